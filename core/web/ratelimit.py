"""Failed-attempt limiting (sign-in): N failures per sliding window, then wait.

:class:`AttemptLimiter` is the interface; :class:`SlidingWindowLimiter` keeps timestamps in
memory, which is right for one process. Several processes behind a load balancer need a
shared store (Redis): implement the same three methods and put it in
``runtime.state[LOGIN_LIMITER]`` at start-up. Each runtime has its own limiter, never a
module global, so apps and tests do not share counts.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from shequ.core.web.errors import ApiError

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

LOGIN_LIMITER = "shequ.login_limiter"
LOGIN_FAILURES = 5
LOGIN_WINDOW = 300.0


class AttemptLimiter(Protocol):
    async def retry_after(self, key: str) -> float | None:
        """Seconds until ``key`` may try again, or ``None`` if it may now."""

    async def failed(self, key: str) -> None:
        """Count one failed attempt."""

    async def reset(self, key: str) -> None:
        """Forget ``key``'s failures (after a success)."""


class SlidingWindowLimiter:
    """At most ``limit`` failures within any ``window`` seconds, per key, in memory."""

    def __init__(
        self,
        limit: int = LOGIN_FAILURES,
        window: float = LOGIN_WINDOW,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ):
        self.limit = limit
        self.window = window
        self.clock = clock
        # Bounds memory when many addresses or identifiers are tried.
        self.max_keys = max_keys
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float] | None:
        stamps = self._failures.get(key)
        if stamps is None:
            return None
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
            return None
        return stamps

    async def retry_after(self, key: str) -> float | None:
        now = self.clock()
        stamps = self._recent(key, now)
        if stamps is None or len(stamps) < self.limit:
            return None
        # Allowed again when the oldest failure that keeps us at the limit leaves the window.
        return stamps[-self.limit] + self.window - now

    async def failed(self, key: str) -> None:
        now = self.clock()
        stamps = self._recent(key, now)
        if stamps is None:
            if len(self._failures) >= self.max_keys:
                self._evict(now)
            stamps = self._failures[key] = deque(maxlen=self.limit)
        stamps.append(now)

    async def reset(self, key: str) -> None:
        self._failures.pop(key, None)

    def _evict(self, now: float) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        while len(self._failures) >= self.max_keys:  # still full: drop the oldest keys
            del self._failures[next(iter(self._failures))]


def login_limiter(runtime: Runtime) -> AttemptLimiter:
    """This runtime's sign-in limiter (created on first use)."""
    limiter = runtime.state.get(LOGIN_LIMITER)
    if limiter is None:
        limiter = runtime.state[LOGIN_LIMITER] = SlidingWindowLimiter()
    return limiter


def login_key(client_ip: str | None, identifier: str) -> str:
    return f"login:{client_ip or 'unknown'}:{identifier}"


def too_many_attempts(retry_after: float) -> ApiError:
    seconds = max(1, math.ceil(retry_after))
    error = ApiError(
        429,
        "too_many_attempts",
        f"Too many failed sign-in attempts; try again in {seconds} seconds.",
    )
    error.headers["Retry-After"] = str(seconds)
    return error
