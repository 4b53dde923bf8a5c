"""Refunds: partial or full, per order, split over its lines, never more than was paid.

Each line's share of what was paid is its ``line_total`` plus its proportional part of the
order-level adjustments (shipping, order discounts), so the shares add up to the order's paid
amount exactly (:func:`line_paid_shares`). A refund is split over the lines in proportion to
what is still refundable on each, unless the seller gives per-line amounts.

Three steps, so no database transaction is held open while the provider is called:

1. under the order's row lock: check, record a ``pending`` Refund and reserve its amount on
   the order, its lines and the payment (so a concurrent refund sees it);
2. call the provider;
3. mark the refund ``succeeded``, announce ``shequ_order_refunded`` and, when everything paid
   has been given back, move the order to ``refunded`` (or ``cancelled``). If the provider
   failed, the refund is marked ``failed`` and the reservation released.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import TYPE_CHECKING, Any

from tortoise.expressions import F

from shequ.core.jobs.outbox import utcnow
from shequ.core.orders import states
from shequ.core.orders.errors import CommerceError, Conflict, IllegalTransition, Invalid, NotFound
from shequ.core.orders.models import (
    Order,
    OrderLine,
    OrderState,
    RefundRequest,
    RefundRequestState,
)
from shequ.core.orders.service import locked_order, restock, transition
from shequ.core.orders.transactions import atomic
from shequ.core.payments.allocation import capped_split, split
from shequ.core.payments.models import Payment, Refund, RefundState
from shequ.core.payments.providers import providers
from shequ.core.shops.scope import shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,40}$")


class RefundFailed(CommerceError):
    status = 502
    code = "refund_failed"


def line_paid_shares(order: Order, lines: list[OrderLine]) -> dict[int, int]:
    """What was paid for each line: its total plus its share of order-level adjustments."""
    extra = order.paid_amount - sum(line.line_total for line in lines)
    parts = split(extra, [line.line_total for line in lines])
    return {line.id: line.line_total + part for line, part in zip(lines, parts, strict=True)}


def _line_amounts(
    requested: dict[Any, Any], lines: list[OrderLine], left: dict[int, int]
) -> dict[int, int]:
    amounts: dict[int, int] = {}
    by_id = {line.id: line for line in lines}
    for raw_id, amount in requested.items():
        line_id = int(raw_id) if isinstance(raw_id, str) and raw_id.isdigit() else raw_id
        if type(line_id) is not int or line_id not in by_id:
            raise Invalid(f"{raw_id!r} is not a line of this order.", field="line_amounts")
        if type(amount) is not int or amount < 1:
            raise Invalid("Line amounts are positive whole numbers of fen.", field="line_amounts")
        if amount > left[line_id]:
            raise Invalid(
                f"At most {left[line_id]} fen can be refunded on line {line_id}.",
                code="exceeds_paid",
                field="line_amounts",
            )
        amounts[line_id] = amounts.get(line_id, 0) + amount
    return amounts


async def _reserve(
    runtime: Runtime,
    shop_id: int,
    order_id: int,
    *,
    amount: int | None,
    line_amounts: dict[Any, Any] | None,
    reason: str,
    actor: str,
    key: str | None,
    cancel: bool,
) -> tuple[Refund | None, bool]:
    """Step 1. Returns (refund, created); (None, False) for a paid order with nothing paid."""
    order = await locked_order(order_id, shop_id)
    with shop_scope(shop_id):
        if key is not None:
            existing = await Refund.filter(idempotency_key=key).first()
            if existing is not None:
                if amount is not None and existing.amount != amount:
                    raise Conflict(
                        "This idempotency key was used for another refund.",
                        code="idempotency_key_reused",
                    )
                return existing, False
        if order.state not in states.REFUNDABLE or (cancel and order.state != OrderState.PAID):
            raise IllegalTransition(f"An order that is {order.state} cannot be refunded.")
        left = order.paid_amount - order.refunded_amount
        if left <= 0:
            if cancel and order.paid_amount == 0:
                await transition(runtime, order, OrderState.CANCELLED, actor=actor, reason=reason)
                await restock(runtime, order)
                return None, False
            raise Conflict("Everything paid has been refunded already.", code="nothing_to_refund")
        lines = await OrderLine.filter(order_id=order.id).order_by("id")
        shares = line_paid_shares(order, lines)
        line_left = {line.id: shares[line.id] - line.refunded_amount for line in lines}
        if line_amounts:
            per_line = _line_amounts(line_amounts, lines, line_left)
            if amount is not None and amount != sum(per_line.values()):
                raise Invalid("The amount must equal the sum of the line amounts.", field="amount")
            amount = sum(per_line.values())
        else:
            amount = left if amount is None else amount
            if type(amount) is not int or not 1 <= amount <= left:
                raise Invalid(
                    f"The amount must be from 1 to {left} fen.", code="exceeds_paid", field="amount"
                )
            parts = capped_split(amount, [line_left[line.id] for line in lines])
            per_line = {line.id: part for line, part in zip(lines, parts, strict=True) if part}
        if amount > left:
            raise Invalid(
                f"At most {left} fen can be refunded.", code="exceeds_paid", field="amount"
            )
        if cancel and amount != left:
            raise Invalid("Cancelling a paid order refunds all of it.", field="amount")
        refund = await Refund.create(
            order_id=order.id,
            payment_id=order.payment_id,
            amount=amount,
            line_amounts={str(line_id): part for line_id, part in per_line.items()},
            reason=reason[:255],
            state=RefundState.PENDING,
            actor=actor,
            idempotency_key=key,
        )
        # Conditional on the amount read under the lock: a lost race cannot over-refund.
        if not await Order.filter(id=order.id, refunded_amount=order.refunded_amount).update(
            refunded_amount=order.refunded_amount + amount
        ):
            raise Conflict("The order changed meanwhile; try again.", code="order_busy")
        for line_id, part in per_line.items():
            await OrderLine.filter(id=line_id).update(refunded_amount=F("refunded_amount") + part)
    await Payment.filter(id=order.payment_id).update(refunded_amount=F("refunded_amount") + amount)
    return refund, True


async def _release(refund: Refund, error: str) -> None:
    """The provider refused: mark the refund failed and give the reservation back."""
    with shop_scope(refund.shop_id):
        if not await Refund.filter(id=refund.id, state=RefundState.PENDING).update(
            state=RefundState.FAILED, provider_ref=error[:64]
        ):
            return
        await Order.filter(id=refund.order_id).update(
            refunded_amount=F("refunded_amount") - refund.amount
        )
        for line_id, part in refund.line_amounts.items():
            await OrderLine.filter(id=int(line_id)).update(
                refunded_amount=F("refunded_amount") - part
            )
    await Payment.filter(id=refund.payment_id).update(
        refunded_amount=F("refunded_amount") - refund.amount
    )


async def _finish(
    runtime: Runtime,
    refund: Refund,
    provider_ref: str,
    *,
    actor: str,
    cancel: bool,
    now: dt.datetime,
) -> None:
    order = await locked_order(refund.order_id, refund.shop_id)
    with shop_scope(refund.shop_id):
        if not await Refund.filter(id=refund.id, state=RefundState.PENDING).update(
            state=RefundState.SUCCEEDED, provider_ref=provider_ref[:64], updated_at=now
        ):
            return
        refund.state, refund.provider_ref = RefundState.SUCCEEDED, provider_ref[:64]
        others_pending = await Refund.filter(order_id=order.id, state=RefundState.PENDING).exists()
    await runtime.hooks.notify(
        "shequ_order_refunded",
        order_id=order.id,
        shop_id=order.shop_id,
        refund_id=refund.id,
        amount=refund.amount,
    )
    if order.refunded_amount < order.paid_amount or others_pending:
        return
    if cancel and order.state == OrderState.PAID:
        await transition(
            runtime, order, OrderState.CANCELLED, actor=actor, reason=refund.reason, now=now
        )
        await restock(runtime, order)
    elif states.allowed(order.state, OrderState.REFUNDED):
        await transition(
            runtime, order, OrderState.REFUNDED, actor=actor, reason=refund.reason, now=now
        )


async def refund_order(
    runtime: Runtime,
    shop_id: int,
    order_id: int,
    *,
    actor: str,
    amount: int | None = None,
    line_amounts: dict[Any, int] | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
    cancel: bool = False,
    now: dt.datetime | None = None,
) -> Refund | None:
    """Refund ``amount`` fen (default: everything still refundable) of a shop's order.

    ``line_amounts`` ({order_line_id: fen}) chooses the split over lines; the default is
    proportional. ``idempotency_key`` (per order) makes a retried call return the first
    refund. ``cancel=True`` (a paid order being cancelled) refunds everything, moves the order
    to ``cancelled`` and returns its stock. Returns the Refund (``None`` only when cancelling a
    paid order on which nothing was paid).
    """
    now = now or utcnow()
    key = None
    if idempotency_key is not None:
        if not _KEY.match(idempotency_key):
            raise Invalid(
                "The idempotency key is 1-40 letters, digits or . _ : -", field="idempotency_key"
            )
        key = f"{order_id}:{idempotency_key}"

    async def reserve() -> tuple[Refund | None, bool]:
        return await _reserve(
            runtime,
            shop_id,
            order_id,
            amount=amount,
            line_amounts=line_amounts,
            reason=reason,
            actor=actor,
            key=key,
            cancel=cancel,
        )

    refund, created = await atomic(reserve)
    if refund is None or not created:
        return refund
    payment = await Payment.get(id=refund.payment_id)
    provider = (await providers(runtime)).get(payment.provider) if payment.provider else None
    try:
        if payment.provider and provider is None:
            raise LookupError(f"payment provider {payment.provider!r} is not available")
        # A payment with no provider paid nothing through one (a free order).
        provider_ref = await provider.refund(runtime, refund) if provider else "none"
    except Exception as exc:
        log.exception("refund %s of order %s failed at the provider", refund.id, order_id)
        error = f"{type(exc).__name__}: {exc}"
        await atomic(lambda: _release(refund, error))
        raise RefundFailed(f"The payment provider refused the refund: {exc}") from None

    async def finish() -> None:
        await _finish(runtime, refund, provider_ref, actor=actor, cancel=cancel, now=now)

    await atomic(finish)
    return refund


async def decide_refund_request(
    runtime: Runtime, shop_id: int, request_id: int, *, approve: bool, actor: str, note: str = ""
) -> RefundRequest:
    """The seller answers a buyer's refund request; approving refunds what was asked."""
    with shop_scope(shop_id):
        request = await RefundRequest.get_or_none(id=request_id)
    if request is None:
        raise NotFound("No such refund request.", code="refund_request_not_found")
    if request.state != RefundRequestState.OPEN:
        raise Conflict(f"This request is already {request.state}.", code="request_decided")
    if approve:
        await refund_order(
            runtime,
            shop_id,
            request.order_id,
            actor=actor,
            amount=request.amount,
            reason=note or request.reason or "refund request approved",
            idempotency_key=f"request-{request.id}",
        )
    with shop_scope(shop_id):
        await RefundRequest.filter(id=request.id, state=RefundRequestState.OPEN).update(
            state=RefundRequestState.APPROVED if approve else RefundRequestState.REJECTED,
            decided_by=actor,
            decided_at=utcnow(),
        )
        return await RefundRequest.get(id=request.id)
