"""Withdrawals: the distributor asks, the seller approves (paid by a provider) or rejects.

Requesting moves the amount from ``available`` to ``withdrawing`` under the distributor's
row lock, so two requests cannot both spend the same balance. The daily cap is a rolling
24 hours (no time zone to argue about). Every step is idempotent: a repeated request key
returns the first withdrawal; approving a paid withdrawal returns it unchanged.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from shequ.core.distribution.enrollment import require_settings
from shequ.core.distribution.errors import Conflict, Forbidden, Invalid, NotFound
from shequ.core.distribution.models import (
    Bucket,
    Distributor,
    DistributorStatus,
    LedgerEntry,
    Withdrawal,
    WithdrawalChange,
)
from shequ.core.distribution.models import WithdrawalState as W
from shequ.core.distribution.payouts import ManualPayout, PayoutProvider, PayoutResult
from shequ.core.jobs.outbox import utcnow
from shequ.core.shops.scope import shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

# Money that has left ``available`` for good or for now; rejected and failed ones came back.
COUNTS_TOWARDS_CAP = (W.REQUESTED, W.PAYING, W.PAID)


async def _entries(w: Withdrawal, moves: list[tuple[str, int]], kind: str, actor: str) -> None:
    for bucket, amount in moves:
        await LedgerEntry.create(
            shop_id=w.shop_id,
            beneficiary_id=w.beneficiary_id,
            bucket=bucket,
            amount=amount,
            currency=w.currency,
            kind=kind,
            withdrawal_id=w.id,
            actor=actor[:64],
        )


async def _change(w: Withdrawal, to_state: str, actor: str, note: str = "", **extra) -> None:
    updated = await Withdrawal.filter(id=w.id, version=w.version).update(
        state=to_state, version=w.version + 1, **extra
    )
    if updated != 1:
        raise Conflict("This withdrawal was changed meanwhile; reload and try again.")
    await WithdrawalChange.create(
        shop_id=w.shop_id,
        withdrawal_id=w.id,
        from_state=w.state,
        to_state=to_state,
        actor=actor[:64],
        reason=note[:255],
    )
    w.state, w.version = to_state, w.version + 1
    for name, value in extra.items():
        setattr(w, name, value)


async def _sum(query) -> int:
    rows = await query.annotate(total=Sum("amount")).values("total")
    return int(rows[0]["total"] or 0) if rows else 0


async def request_withdrawal(
    runtime: Runtime, shop_id: int, customer_id: int, amount: int, idempotency_key: str
) -> Withdrawal:
    settings = await require_settings(runtime, shop_id)
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise Invalid("The amount must be a positive whole number of fen.", "amount")
    if amount < settings.withdraw_min:
        raise Invalid(f"The minimum withdrawal is {settings.withdraw_min} fen.", "amount")
    if amount > settings.withdraw_daily_cap:
        raise Invalid(
            f"At most {settings.withdraw_daily_cap} fen can be withdrawn in 24 hours.", "amount"
        )
    if not idempotency_key or len(idempotency_key) > 64:
        raise Invalid("Give a request key of 1 to 64 characters.", "idempotency_key")
    actor = f"customer:{customer_id}"
    with shop_scope(shop_id):
        async with in_transaction():
            distributor = (
                await Distributor.filter(customer_id=customer_id).select_for_update().first()
            )
            if distributor is None or distributor.status not in (
                DistributorStatus.ACTIVE,
                DistributorStatus.SUSPENDED,
            ):
                raise Forbidden("Only distributors can withdraw.")
            existing = await Withdrawal.get_or_none(
                beneficiary_id=customer_id, idempotency_key=idempotency_key
            )
            if existing is not None:
                if existing.amount != amount:
                    raise Conflict(
                        "This request key was used for a different amount.", "idempotency_key"
                    )
                return existing
            available = await _sum(
                LedgerEntry.filter(beneficiary_id=customer_id, bucket=Bucket.AVAILABLE)
            )
            if amount > available:
                raise Invalid(f"Only {max(available, 0)} fen is available.", "amount")
            since = utcnow() - dt.timedelta(hours=24)
            recent = await _sum(
                Withdrawal.filter(
                    beneficiary_id=customer_id, created_at__gte=since, state__in=COUNTS_TOWARDS_CAP
                )
            )
            if recent + amount > settings.withdraw_daily_cap:
                raise Invalid(
                    f"At most {settings.withdraw_daily_cap} fen can be withdrawn in 24 hours "
                    f"({recent} fen already).",
                    "amount",
                )
            w = await Withdrawal.create(
                beneficiary_id=customer_id,
                amount=amount,
                currency=runtime.settings.platform.currency,
                idempotency_key=idempotency_key,
                reference="W" + secrets.token_hex(12),
            )
            await _entries(
                w,
                [(Bucket.AVAILABLE, -amount), (Bucket.WITHDRAWING, amount)],
                "withdraw_requested",
                actor,
            )
            await WithdrawalChange.create(
                withdrawal_id=w.id, from_state="", to_state=W.REQUESTED, actor=actor
            )
            return w


async def _locked(withdrawal_id: int) -> Withdrawal:
    w = await Withdrawal.filter(id=withdrawal_id).select_for_update().first()
    if w is None:
        raise NotFound("No such withdrawal.")
    return w


async def approve_withdrawal(
    runtime: Runtime,
    shop_id: int,
    withdrawal_id: int,
    actor: str,
    provider: PayoutProvider | None = None,
) -> Withdrawal:
    """Approve and pay. Safe to repeat: a paid withdrawal is returned unchanged, and one left
    ``paying`` by an interruption is paid again with the same reference."""
    provider = provider or ManualPayout()
    with shop_scope(shop_id):
        async with in_transaction():
            w = await _locked(withdrawal_id)
            if w.state == W.PAID:
                return w
            if w.state in (W.REJECTED, W.FAILED):
                raise Conflict(f"This withdrawal is {w.state}.")
            if w.state == W.REQUESTED:
                await _change(
                    w,
                    W.PAYING,
                    actor,
                    "approved",
                    provider=provider.code,
                    decided_by=actor[:64],
                    decided_at=utcnow(),
                )
        try:
            result = await provider.pay(w)  # a remote call: never inside a transaction
        except Exception as exc:  # a provider error is a failed payout, shown to the seller
            result = PayoutResult(False, "", f"{type(exc).__name__}: {exc}")
        async with in_transaction():
            w = await _locked(withdrawal_id)
            if w.state != W.PAYING:
                return w  # a concurrent approval finished it
            if result.ok:
                await _change(w, W.PAID, actor, "paid", provider_ref=result.reference[:64])
                await _entries(
                    w,
                    [(Bucket.WITHDRAWING, -w.amount), (Bucket.WITHDRAWN, w.amount)],
                    "withdraw_paid",
                    actor,
                )
            else:
                await _change(w, W.FAILED, actor, result.message, reason=result.message[:255])
                await _entries(
                    w,
                    [(Bucket.WITHDRAWING, -w.amount), (Bucket.AVAILABLE, w.amount)],
                    "withdraw_returned",
                    actor,
                )
        return w


async def reject_withdrawal(
    runtime: Runtime, shop_id: int, withdrawal_id: int, actor: str, reason: str = ""
) -> Withdrawal:
    """Refuse; the amount goes back to the distributor's available balance."""
    with shop_scope(shop_id):
        async with in_transaction():
            w = await _locked(withdrawal_id)
            if w.state == W.REJECTED:
                return w
            if w.state != W.REQUESTED:
                raise Conflict(
                    f"Only a requested withdrawal can be rejected (this one is {w.state})."
                )
            await _change(
                w,
                W.REJECTED,
                actor,
                reason,
                decided_by=actor[:64],
                decided_at=utcnow(),
                reason=reason[:255],
            )
            await _entries(
                w,
                [(Bucket.WITHDRAWING, -w.amount), (Bucket.AVAILABLE, w.amount)],
                "withdraw_returned",
                actor,
            )
            return w
