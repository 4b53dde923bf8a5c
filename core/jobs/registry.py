"""Job handlers and schedules, registered by the core and by plugins (``shequ_jobs``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

Handler = Callable[["Runtime", dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Schedule:
    """Enqueue ``job`` every ``every_seconds``, or daily at ``daily_at`` (UTC)."""

    job: str
    every_seconds: float | None = None
    daily_at: dt.time | None = None

    def slot(self, now: dt.datetime) -> str:
        """The current period's key; one job is enqueued per slot, whatever the process count."""
        if self.every_seconds is not None:
            return str(int(now.timestamp() // self.every_seconds))
        assert self.daily_at is not None
        day = now.date() if now.time() >= self.daily_at else now.date() - dt.timedelta(days=1)
        return day.isoformat()


class JobRegistry:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.owners: dict[str, str] = {}
        self.schedules: list[Schedule] = []
        self._owner = "core"

    def handler(self, name: str) -> Callable[[Handler], Handler]:
        """Decorator registering ``fn(runtime, payload)`` as the handler of job ``name``."""

        def register(fn: Handler) -> Handler:
            if name in self.handlers:
                raise ValueError(
                    f"job handler {name!r} registered by both {self.owners[name]} and {self._owner}"
                )
            self.handlers[name] = fn
            self.owners[name] = self._owner
            return fn

        return register

    def every(self, seconds: float, job: str) -> None:
        if seconds <= 0:
            raise ValueError("schedule interval must be positive")
        self.schedules.append(Schedule(job=job, every_seconds=seconds))

    def daily(self, at: str, job: str) -> None:
        """``at`` is ``"HH:MM"`` in UTC."""
        hour, minute = (int(part) for part in at.split(":"))
        self.schedules.append(Schedule(job=job, daily_at=dt.time(hour, minute)))

    def owned_by(self, owner: str) -> JobRegistry:
        self._owner = owner
        return self
