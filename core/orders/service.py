"""Order lifecycle services: transitions with history, shipping, cancelling, completing.

Every change of state goes through :func:`transition`, inside the caller's transaction: it
locks the order row (``SELECT ... FOR UPDATE`` on PostgreSQL), checks the state machine, asks
``shequ_validate_transition``, applies a *conditional* update on ``state`` (so two concurrent
transitions can never both apply, on SQLite too), records an :class:`OrderTransition` and
queues the matching observer in the outbox. Seller-side functions take the seller's
``shop_id`` (an order of another shop is "not found") and an ``actor`` such as ``"staff:3"``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from shequ.core.catalog.stock import return_stock
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders import states
from shequ.core.orders.errors import IllegalTransition, Invalid, NotFound, Vetoed
from shequ.core.orders.models import (
    Order,
    OrderLine,
    OrderState,
    OrderTransition,
    RefundRequest,
    RefundRequestState,
    Shipment,
)
from shequ.core.orders.timing import auto_complete_after
from shequ.core.orders.transactions import atomic
from shequ.core.payments.models import Payment, PaymentState
from shequ.core.pluginsys.dispatch import HookVeto
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

# The observer told about each state an order reaches (``refunded`` is announced per refund
# by shequ_order_refunded, with its amount).
OBSERVERS = {
    OrderState.PAID: "shequ_order_paid",
    OrderState.SHIPPED: "shequ_order_shipped",
    OrderState.COMPLETED: "shequ_order_completed",
    OrderState.CANCELLED: "shequ_order_cancelled",
}
STAMPS = {
    OrderState.PAID: "paid_at",
    OrderState.SHIPPED: "shipped_at",
    OrderState.COMPLETED: "completed_at",
    OrderState.CANCELLED: "cancelled_at",
}


def customer_actor(customer_id: int) -> str:
    return f"customer:{customer_id}"


async def locked_order(order_id: int, shop_id: int | None = None) -> Order:
    """The order row, locked until the transaction ends (a no-op lock on SQLite, where the
    single writer serialises transactions anyway)."""
    with shop_scope(ALL_SHOPS if shop_id is None else shop_id):
        order = await Order.filter(id=order_id).select_for_update().first()
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order


async def transition(
    runtime: Runtime,
    order: Order,
    to_state: str,
    *,
    actor: str,
    reason: str = "",
    now: dt.datetime | None = None,
    updates: dict[str, Any] | None = None,
) -> Order:
    """Move ``order`` (freshly read under lock) to ``to_state``. Call inside a transaction."""
    now = now or utcnow()
    from_state = order.state
    states.check(from_state, to_state)
    if (from_state, to_state) in states.NEED_FULL_REFUND and (
        order.refunded_amount < order.paid_amount
    ):
        raise IllegalTransition(
            f"An order goes from {from_state} to {to_state} only with a full refund."
        )
    try:
        await runtime.hooks.validate(
            "shequ_validate_transition",
            order_id=order.id,
            shop_id=order.shop_id,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
        )
    except HookVeto as veto:
        raise Vetoed(veto) from None
    values: dict[str, Any] = {"state": to_state, "updated_at": now, **(updates or {})}
    if to_state in STAMPS:
        values[STAMPS[to_state]] = now
    with shop_scope(order.shop_id):
        changed = await Order.filter(id=order.id, state=from_state).update(**values)
        if changed != 1:  # another transaction moved it first
            raise IllegalTransition(f"The order is no longer {from_state}.")
        await OrderTransition.create(
            order_id=order.id,
            shop_id=order.shop_id,
            from_state=from_state,
            to_state=to_state,
            actor=actor,
            reason=reason[:255],
        )
    for name, value in values.items():
        setattr(order, name, value)
    if to_state in OBSERVERS:
        await runtime.hooks.notify(OBSERVERS[to_state], order_id=order.id, shop_id=order.shop_id)
    return order


async def restock(runtime: Runtime, order: Order) -> None:
    """Give back the stock an order took (it was cancelled)."""
    with shop_scope(order.shop_id):
        lines = await OrderLine.filter(order_id=order.id).order_by("sku_id")
    for line in lines:
        if line.sku_id is not None:
            await return_stock(runtime, line.sku_id, line.quantity)


async def cancel_unpaid(
    runtime: Runtime, order: Order, *, actor: str, reason: str, now: dt.datetime | None = None
) -> Order:
    """pending_payment -> cancelled: stock goes back; a payment left with nothing to pay is
    cancelled too. Call inside a transaction with the order read under lock."""
    await transition(runtime, order, OrderState.CANCELLED, actor=actor, reason=reason, now=now)
    await restock(runtime, order)
    if order.payment_id is not None:
        with shop_scope(ALL_SHOPS):
            open_orders = await Order.filter(
                payment_id=order.payment_id, state=OrderState.PENDING_PAYMENT
            ).exists()
        if not open_orders:
            await Payment.filter(id=order.payment_id, state=PaymentState.PENDING).update(
                state=PaymentState.CANCELLED, updated_at=now or utcnow()
            )
    return order


async def pay_orders(
    runtime: Runtime, payment: Payment, *, actor: str, now: dt.datetime | None = None
) -> tuple[list[Order], list[Order]]:
    """Mark every pending order of ``payment`` paid (inside the payment's transaction).

    Returns (orders paid now, orders that were no longer pending - e.g. expired meanwhile).
    """
    with shop_scope(ALL_SHOPS):
        ids = await Order.filter(payment_id=payment.id).order_by("id").values_list("id", flat=True)
    paid, late = [], []
    for order_id in ids:
        order = await locked_order(order_id)
        if order.state != OrderState.PENDING_PAYMENT:
            late.append(order)
            continue
        await transition(
            runtime,
            order,
            OrderState.PAID,
            actor=actor,
            reason=f"payment {payment.reference}",
            now=now,
            updates={"paid_amount": order.total},
        )
        paid.append(order)
    return paid, late


# --- seller side -------------------------------------------------------------------------------


async def ship_order(
    runtime: Runtime,
    shop_id: int,
    order_id: int,
    *,
    carrier: str,
    tracking_number: str,
    actor: str,
    now: dt.datetime | None = None,
) -> Order:
    """paid -> shipped, with the carrier and tracking number (发货)."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not 1 <= len(carrier) <= 64:
        raise Invalid("A carrier (1-64 characters) is required.", field="carrier")
    if not 1 <= len(tracking_number) <= 64:
        raise Invalid("A tracking number (1-64 characters) is required.", field="tracking_number")

    async def work() -> Order:
        order = await locked_order(order_id, shop_id)
        await transition(runtime, order, OrderState.SHIPPED, actor=actor, now=now)
        with shop_scope(shop_id):
            await Shipment.create(
                order_id=order.id, carrier=carrier, tracking_number=tracking_number
            )
        return order

    return await atomic(work)


async def cancel_order(
    runtime: Runtime, shop_id: int, order_id: int, *, actor: str, reason: str = ""
) -> Order:
    """The seller cancels: an unpaid order directly; a paid one with a full refund."""
    with shop_scope(shop_id):
        order = await Order.get_or_none(id=order_id)
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    if order.state == OrderState.PAID:
        from shequ.core.payments.refunds import refund_order

        await refund_order(
            runtime, shop_id, order_id, actor=actor, reason=reason or "cancelled", cancel=True
        )
        return await locked_order(order_id, shop_id)

    async def work() -> Order:
        locked = await locked_order(order_id, shop_id)
        return await cancel_unpaid(runtime, locked, actor=actor, reason=reason or "cancelled")

    return await atomic(work)


async def complete_order(
    runtime: Runtime,
    shop_id: int | None,
    order_id: int,
    *,
    actor: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Order:
    """shipped -> completed (receipt confirmed, or the auto-complete window passed)."""

    async def work() -> Order:
        order = await locked_order(order_id, shop_id)
        return await transition(
            runtime, order, OrderState.COMPLETED, actor=actor, reason=reason, now=now
        )

    return await atomic(work)


# --- buyer side --------------------------------------------------------------------------------


async def customer_order(customer_id: int, number: str) -> Order:
    """One of the customer's own orders by number (any shop); others are "not found"."""
    with shop_scope(ALL_SHOPS):  # the buyer's view spans shops; ownership is the filter
        order = await Order.get_or_none(number=number, customer_id=customer_id)
    if order is None:
        raise NotFound("No such order.", code="order_not_found")
    return order


async def buyer_cancel(runtime: Runtime, customer_id: int, number: str) -> Order:
    """The buyer cancels an unpaid order; a paid one needs a refund request instead."""
    order = await customer_order(customer_id, number)
    if order.state != OrderState.PENDING_PAYMENT:
        raise IllegalTransition(
            f"An order that is {order.state} cannot be cancelled by the buyer; "
            "ask the seller for a refund instead."
        )

    async def work() -> Order:
        locked = await locked_order(order.id, order.shop_id)
        return await cancel_unpaid(
            runtime, locked, actor=customer_actor(customer_id), reason="cancelled by the buyer"
        )

    return await atomic(work)


async def confirm_receipt(runtime: Runtime, customer_id: int, number: str) -> Order:
    """确认收货: shipped -> completed by the buyer."""
    order = await customer_order(customer_id, number)
    return await complete_order(
        runtime,
        order.shop_id,
        order.id,
        actor=customer_actor(customer_id),
        reason="receipt confirmed",
    )


async def request_refund(
    runtime: Runtime, customer_id: int, number: str, *, amount: int | None, reason: str
) -> RefundRequest:
    """申请退款: record the buyer's request; the seller decides (and refunds through
    :func:`shequ.core.payments.refunds.refund_order`)."""
    order = await customer_order(customer_id, number)
    if order.state not in states.REFUNDABLE:
        raise IllegalTransition(f"An order that is {order.state} cannot be refunded.")
    left = order.paid_amount - order.refunded_amount
    if amount is not None and not 1 <= amount <= left:
        raise Invalid(f"The amount must be from 1 to {left} fen.", field="amount")

    async def work() -> RefundRequest:
        locked = await locked_order(order.id, order.shop_id)  # one open request per order
        with shop_scope(order.shop_id):
            if await RefundRequest.filter(
                order_id=locked.id, state=RefundRequestState.OPEN
            ).exists():
                raise IllegalTransition(
                    "A refund request for this order is already open.", code="request_open"
                )
            return await RefundRequest.create(
                order_id=locked.id, customer_id=customer_id, amount=amount, reason=reason[:255]
            )

    return await atomic(work)


# --- scheduled --------------------------------------------------------------------------------


async def expire_unpaid_orders(runtime: Runtime, now: dt.datetime | None = None) -> int:
    """Cancel orders whose unpaid window has passed (stock goes back). Returns how many."""
    from shequ.core.payments.service import provider_says_paid

    now = now or utcnow()
    with shop_scope(ALL_SHOPS):
        due = await Order.filter(state=OrderState.PENDING_PAYMENT, expires_at__lte=now).values_list(
            "id", "shop_id", "payment_id"
        )
    expired = 0
    checked: dict[int, bool] = {}
    for order_id, shop_id, payment_id in due:
        # Ask the provider first: a buyer who paid at the last second must not lose the order
        # to this job; the provider's notification will mark it paid.
        if payment_id is not None and payment_id not in checked:
            checked[payment_id] = await provider_says_paid(runtime, payment_id)
        if payment_id is not None and checked[payment_id]:
            continue

        async def work(order_id: int = order_id, shop_id: int = shop_id) -> bool:
            order = await locked_order(order_id, shop_id)
            if order.state != OrderState.PENDING_PAYMENT:
                return False  # paid or cancelled meanwhile
            await cancel_unpaid(runtime, order, actor="system", reason="unpaid in time", now=now)
            return True

        try:
            expired += await atomic(work)
        except (IllegalTransition, Vetoed) as exc:
            log.info("order %s not expired: %s", order_id, exc)
    return expired


async def auto_complete_orders(runtime: Runtime, now: dt.datetime | None = None) -> int:
    """Complete orders shipped longer ago than the auto-complete window. Returns how many."""
    now = now or utcnow()
    with shop_scope(ALL_SHOPS):
        due = await Order.filter(
            state=OrderState.SHIPPED, shipped_at__lte=now - auto_complete_after(runtime)
        ).values_list("id", "shop_id")
    completed = 0
    for order_id, shop_id in due:
        try:
            await complete_order(
                runtime, shop_id, order_id, actor="system", reason="auto-completed", now=now
            )
            completed += 1
        except (IllegalTransition, Vetoed) as exc:
            log.info("order %s not auto-completed: %s", order_id, exc)
    return completed
