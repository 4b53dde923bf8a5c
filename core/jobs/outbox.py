"""``enqueue``: write a job row in the caller's transaction (the outbox pattern).

Called inside ``in_transaction()``, the row commits or rolls back with the change that
caused it; a runner only ever sees committed rows, so a job never runs for a change that
did not happen.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from shequ.core.jobs.models import Job


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def enqueue(
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    delay: float = 0,
    max_attempts: int = 5,
    dedupe_key: str | None = None,
) -> Job | None:
    """Write a job row. Returns ``None`` when ``dedupe_key`` was already enqueued."""
    payload = payload or {}
    json.dumps(payload)  # fail here, in the caller, rather than in the runner
    values = dict(
        name=name,
        payload=payload,
        run_at=utcnow() + dt.timedelta(seconds=delay),
        max_attempts=max_attempts,
        dedupe_key=dedupe_key,
    )
    if dedupe_key is None:
        return await Job.create(**values)
    if await Job.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        # A savepoint, so that losing the race does not abort the caller's transaction.
        async with in_transaction():
            return await Job.create(**values)
    except IntegrityError:  # another process won the race for this key
        return None
