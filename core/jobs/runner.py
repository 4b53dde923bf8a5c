"""Deliver committed jobs: claim, run, retry with exponential backoff, dead-letter.

The runner is an interface (:class:`JobRunner`) so that a Redis/arq backend with separate
worker processes can replace :class:`InProcessRunner` by configuration. Claiming is a
conditional update on the job row, so several runners (processes) never run one job twice
at the same time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import traceback
from typing import TYPE_CHECKING, Protocol

from tortoise.expressions import Q

from shequ.core.jobs.models import Job, JobStatus
from shequ.core.jobs.outbox import enqueue, utcnow

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)


class JobRunner(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def wake(self) -> None: ...
    async def run_due(self) -> int: ...


class InProcessRunner:
    """Polls the outbox in the serving process (the embedded default)."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.settings = runtime.settings.jobs
        self._task: asyncio.Task[None] | None = None
        self._wakeup = asyncio.Event()
        self._stopping = False

    async def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="shequ-job-runner")

    async def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
        if self._task is not None:
            await self._task
            self._task = None

    def wake(self) -> None:
        """Hint that jobs were committed; the runner looks now instead of at the next poll."""
        self._wakeup.set()

    async def _loop(self) -> None:
        self.runtime.db.activate()
        while not self._stopping:
            try:
                await self.enqueue_schedules()
                while await self.run_due() and not self._stopping:
                    pass
            except Exception:  # keep delivering: one bad poll (e.g. db restart) is not fatal
                log.exception("job runner poll failed")
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=self.settings.poll_interval)
            except TimeoutError:
                pass
            self._wakeup.clear()

    async def enqueue_schedules(self, now: dt.datetime | None = None) -> int:
        now = now or utcnow()
        count = 0
        for schedule in self.runtime.jobs.schedules:
            key = f"schedule:{schedule.job}:{schedule.slot(now)}"
            if await enqueue(schedule.job, {}, dedupe_key=key):
                count += 1
        return count

    async def run_due(self, limit: int = 20) -> int:
        """Run up to ``limit`` due jobs; returns how many ran (used by tests to drain)."""
        now = utcnow()
        due = (
            await Job.filter(
                Q(status=JobStatus.QUEUED, run_at__lte=now)
                | Q(status=JobStatus.RUNNING, leased_until__lt=now)
            )
            .order_by("run_at", "id")
            .limit(limit)
            .values_list("id", "status", "attempts")
        )
        ran = 0
        for job_id, status, attempts in due:
            if await self._claim(job_id, status, attempts, now):
                await self._run(job_id)
                ran += 1
        return ran

    async def _claim(self, job_id: int, status: str, attempts: int, now: dt.datetime) -> bool:
        lease = now + dt.timedelta(seconds=self.settings.lease_seconds)
        claimed = await Job.filter(id=job_id, status=status, attempts=attempts).update(
            status=JobStatus.RUNNING, leased_until=lease, attempts=attempts + 1
        )
        return claimed == 1

    async def _run(self, job_id: int) -> None:
        job = await Job.get(id=job_id)
        handler = self.runtime.jobs.handlers.get(job.name)
        try:
            if handler is None:
                raise LookupError(f"no handler registered for job {job.name!r}")
            await handler(self.runtime, job.payload)
        except Exception as exc:
            await self._failed(job, exc)
        else:
            await Job.filter(id=job.id).update(
                status=JobStatus.DONE, finished_at=utcnow(), leased_until=None
            )

    async def _failed(self, job: Job, exc: Exception) -> None:
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        if job.attempts >= job.max_attempts:
            log.error(
                "job %s #%s dead after %s attempts: %s", job.name, job.id, job.attempts, error
            )
            await Job.filter(id=job.id).update(
                status=JobStatus.DEAD, last_error=error, leased_until=None, finished_at=utcnow()
            )
            return
        delay = min(
            self.settings.backoff_seconds * 2 ** (job.attempts - 1),
            self.settings.backoff_max_seconds,
        )
        log.warning(
            "job %s #%s failed (attempt %s), retry in %.1fs: %s",
            job.name,
            job.id,
            job.attempts,
            delay,
            error,
        )
        await Job.filter(id=job.id).update(
            status=JobStatus.QUEUED,
            last_error=error,
            leased_until=None,
            run_at=utcnow() + dt.timedelta(seconds=delay),
        )


async def retry_job(job_id: int) -> bool:
    """Put a dead job back in the queue (``shequ jobs retry ID``)."""
    updated = await Job.filter(id=job_id, status=JobStatus.DEAD).update(
        status=JobStatus.QUEUED, attempts=0, run_at=utcnow(), finished_at=None
    )
    return updated == 1
