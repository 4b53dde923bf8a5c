"""The commission ledger: append-only entries; every balance is a sum of them.

A commission's owed amount (planned minus reversed) sits in exactly one bucket, the one of
its state; a state move is a pair of entries (out of one bucket, into the next) and a
refund is one negative entry in the current bucket, so for every commission and every
bucket the entries add up to what the commission row says. Each change of a commission row
is a conditional update on its version, made while holding its row lock, in the same
transaction as its entries and its change record; a lost race raises :class:`Contended`
and the caller retries the whole transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from shequ.core.distribution.models import (
    Bucket,
    Commission,
    CommissionChange,
    CommissionState,
    LedgerEntry,
)
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.transactions import is_retryable
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)
C = CommissionState
T = TypeVar("T")

BUCKET_OF = {C.PENDING: Bucket.PENDING, C.FROZEN: Bucket.FROZEN, C.AVAILABLE: Bucket.AVAILABLE}
SETTLE_JOB = "distribution.settle"
SETTLE_EVERY_SECONDS = 600
SETTLE_BATCH = 500


class Contended(Exception):
    """A row changed between reading and writing it; retry the transaction."""


async def retrying(operation: Callable[[], Awaitable[T]], attempts: int = 8) -> T:
    """Run a whole transaction again when a row changed under it or PostgreSQL aborted it
    (deadlock, serialization failure): it was rolled back as a whole, so this is safe."""
    for attempt in range(1, attempts + 1):
        try:
            return await operation()
        except Exception as exc:
            if attempt == attempts or not (isinstance(exc, Contended) or is_retryable(exc)):
                raise
            log.info("distribution: transaction retried (%s/%s): %s", attempt, attempts, exc)
            await asyncio.sleep(0.01 * attempt * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


async def locked(commission_id: int) -> Commission:
    """The commission row, locked until the transaction ends (PostgreSQL)."""
    return await Commission.filter(id=commission_id).select_for_update().get()


async def _entry(c: Commission, bucket: str, amount: int, kind: str, actor: str) -> None:
    await LedgerEntry.create(
        shop_id=c.shop_id,
        beneficiary_id=c.beneficiary_id,
        bucket=bucket,
        amount=amount,
        currency=c.currency,
        kind=kind,
        commission_id=c.id,
        actor=actor[:64],
    )


async def _write(
    runtime: Runtime,
    c: Commission,
    *,
    to_state: str,
    reversed_delta: int = 0,
    settle_at: dt.datetime | None = None,
    actor: str,
    reason: str,
    kind: str = "",
) -> None:
    """One change of one commission: row, ledger entries, change record, observers."""
    from_state = c.state
    new_reversed = c.reversed_amount + reversed_delta
    owed_after = c.amount - new_reversed
    updates: dict[str, Any] = {
        "state": to_state,
        "reversed_amount": new_reversed,
        "version": c.version + 1,
    }
    if settle_at is not None:
        updates["settle_at"] = settle_at
    if await Commission.filter(id=c.id, version=c.version).update(**updates) != 1:
        raise Contended(f"commission {c.id}")
    if reversed_delta:
        await _entry(c, BUCKET_OF[from_state], -reversed_delta, "reversed", actor)
    if to_state != from_state and to_state != C.REVERSED and owed_after:
        await _entry(c, BUCKET_OF[from_state], -owed_after, kind, actor)
        await _entry(c, BUCKET_OF[to_state], owed_after, kind, actor)
    await CommissionChange.create(
        shop_id=c.shop_id,
        commission_id=c.id,
        from_state=from_state,
        to_state=to_state,
        amount=-reversed_delta if reversed_delta else owed_after,
        actor=actor[:64],
        reason=reason[:255],
    )
    for name, value in updates.items():
        setattr(c, name, value)
    if to_state != from_state:
        await runtime.hooks.notify(
            "shequ_commission_changed",
            commission_id=c.id,
            shop_id=c.shop_id,
            from_state=from_state,
            to_state=to_state,
        )


async def record_new(runtime: Runtime, c: Commission, actor: str) -> None:
    """A commission was just created (pending): its first entry and change record."""
    await _entry(c, Bucket.PENDING, c.amount, "earned", actor)
    await CommissionChange.create(
        shop_id=c.shop_id,
        commission_id=c.id,
        from_state="",
        to_state=C.PENDING,
        amount=c.amount,
        actor=actor[:64],
        reason=c.rule[:255],
    )
    await runtime.hooks.notify(
        "shequ_commission_changed",
        commission_id=c.id,
        shop_id=c.shop_id,
        from_state="",
        to_state=C.PENDING,
    )


async def freeze(runtime: Runtime, c: Commission, settle_at: dt.datetime, actor: str) -> None:
    """The order completed: hold the commission through the after-sales window."""
    if c.state == C.PENDING:
        await _write(
            runtime,
            c,
            to_state=C.FROZEN,
            settle_at=settle_at,
            actor=actor,
            reason=f"order completed; available from {settle_at:%Y-%m-%d %H:%M} UTC",
            kind="frozen",
        )


async def reverse_to(runtime: Runtime, c: Commission, owed: int, actor: str, reason: str) -> None:
    """Refunds leave ``owed`` of the commission; take back the rest (never gives back)."""
    delta = c.owed - max(owed, 0)
    if delta <= 0 or c.state == C.REVERSED:
        return
    to_state = C.REVERSED if owed <= 0 else c.state
    await _write(runtime, c, to_state=to_state, reversed_delta=delta, actor=actor, reason=reason)


async def settle_one(runtime: Runtime, commission_id: int, now: dt.datetime) -> bool:
    async def attempt() -> bool:
        async with in_transaction():
            with shop_scope(ALL_SHOPS):
                c = await locked(commission_id)
            if c.state != C.FROZEN or c.settle_at is None or c.settle_at > now:
                return False
            with shop_scope(c.shop_id):
                await _write(
                    runtime,
                    c,
                    to_state=C.AVAILABLE,
                    actor="system",
                    reason="after-sales window passed",
                    kind="settled",
                )
            return True

    return await retrying(attempt)


async def settle_due(
    runtime: Runtime, now: dt.datetime | None = None, limit: int = SETTLE_BATCH
) -> int:
    """Make every frozen commission whose window has passed available (the scheduled job)."""
    now = now or utcnow()
    with shop_scope(ALL_SHOPS):  # the settlement job serves every shop
        due = (
            await Commission.filter(state=C.FROZEN, settle_at__lte=now)
            .order_by("settle_at", "id")
            .limit(limit)
            .values_list("id", flat=True)
        )
    settled = 0
    for commission_id in due:
        if await settle_one(runtime, commission_id, now):
            settled += 1
    if settled:
        log.info("distribution: %s commission(s) became available", settled)
    return settled


def register_jobs(runtime: Runtime, registry: Any) -> None:
    """Core jobs of distribution (called from ``Runtime._job_registry``).

    Settlement is scheduled only while the ``distribution`` plugin is enabled; its handler
    is always there, so ``shequ jobs retry`` works either way.
    """

    @registry.handler(SETTLE_JOB)
    async def settle(runtime: Runtime, payload: dict[str, Any]) -> None:
        while await settle_due(runtime) == SETTLE_BATCH:  # a backlog drains in one run
            pass

    if "distribution" in runtime.plugins.plugins:
        registry.every(SETTLE_EVERY_SECONDS, SETTLE_JOB)


async def balances(shop_id: int, customer_id: int) -> dict[str, int]:
    """Every bucket of a distributor in a shop, as the sum of its ledger entries."""
    with shop_scope(shop_id):
        rows = (
            await LedgerEntry.filter(beneficiary_id=customer_id)
            .annotate(total=Sum("amount"))
            .group_by("bucket")
            .values("bucket", "total")
        )
    found = {row["bucket"]: int(row["total"] or 0) for row in rows}
    return {bucket: found.get(bucket, 0) for bucket in Bucket.ALL}
