"""Run a unit of work in one transaction, retried when the database asks us to.

Why retry rather than a lock of our own: inside one process tortoise's SQLite client already
serialises transactions (one connection guarded by an asyncio lock), so "database is locked"
only comes from *another* process (``shequ worker``, a CLI command) holding SQLite's write lock
past the busy timeout. PostgreSQL may abort one of two transactions with a deadlock or a
serialization failure. In every case the transaction was rolled back as a whole, so running
the work again is safe; an asyncio lock in the runtime would not help across processes.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 5


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.exceptions.TransactionRollbackError):
        return True  # deadlock_detected, serialization_failure
    if isinstance(exc, OperationalError):
        cause = exc.__cause__ or (exc.args[0] if exc.args else None)
        if isinstance(cause, asyncpg.exceptions.TransactionRollbackError):
            return True
        return "database is locked" in str(exc) or "database is busy" in str(exc)
    return False


async def atomic(work: Callable[[], Awaitable[T]], *, attempts: int = ATTEMPTS) -> T:
    """``await work()`` inside ``in_transaction()``; retry the whole of it on lock errors."""
    for attempt in range(1, attempts + 1):
        try:
            async with in_transaction():
                return await work()
        except Exception as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            delay = 0.02 * 2**attempt * random.uniform(0.5, 1.5)
            log.info("transaction retried (%s/%s) after: %s", attempt, attempts, exc)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
