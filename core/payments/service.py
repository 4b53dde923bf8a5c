"""Starting a payment: which provider, and what the client needs to pay.

The provider is chosen in this order:

1. the ``shequ_choose_payment_provider`` decide hook (e.g. WeChat Pay inside WeChat);
2. the buyer's choice (``requested``), if that provider is available;
3. ``[payments] default_provider`` when the settings have it;
4. ``sandbox`` where the sandbox is enabled (local deployments), else ``manual``.

A payment starts only while every order it covers is still unpaid and unexpired. If the buyer
cancelled some of them, the rest move to a new payment (a new reference), because providers
fix the amount of a reference once they have seen it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.errors import Conflict, Invalid, NotFound
from shequ.core.orders.models import Order, OrderState
from shequ.core.orders.numbers import payment_reference
from shequ.core.orders.transactions import atomic
from shequ.core.payments.models import Payment, PaymentState
from shequ.core.payments.providers import PaymentProvider, providers
from shequ.core.payments.sandbox import sandbox_enabled
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)


async def available_providers(runtime: Runtime) -> dict[str, PaymentProvider]:
    found = await providers(runtime)
    return {
        code: provider
        for code, provider in found.items()
        if code != "sandbox" or sandbox_enabled(runtime)
    }


async def choose_provider(
    runtime: Runtime, payment: Payment, requested: str | None, user_agent: str
) -> str:
    available = await available_providers(runtime)
    chosen = await runtime.hooks.decide(
        "shequ_choose_payment_provider",
        payment_id=payment.id,
        requested=requested,
        user_agent=user_agent,
    )
    if chosen is not None:
        if chosen not in available:
            raise Conflict(
                f"The payment provider {chosen!r} is not available.", code="provider_unavailable"
            )
        return chosen
    if requested:
        if requested not in available:
            names = ", ".join(sorted(available))
            raise Invalid(
                f"Unknown payment provider {requested!r} (available: {names}).",
                code="unknown_provider",
                field="provider",
            )
        return requested
    default = runtime.settings.payments.default_provider
    if default and default in available:
        return default
    return "sandbox" if "sandbox" in available else "manual"


async def _orders_of(payment: Payment) -> list[Order]:
    with shop_scope(ALL_SHOPS):
        return await Order.filter(payment_id=payment.id).order_by("id")


async def _split_off(payment: Payment, pending: list[Order], now: dt.datetime) -> Payment:
    """Move the still-unpaid orders to a new payment; the old one is cancelled."""

    async def work() -> Payment:
        if not await Payment.filter(id=payment.id, state=PaymentState.PENDING).update(
            state=PaymentState.CANCELLED, updated_at=now
        ):
            raise Conflict("The payment changed meanwhile; try again.", code="payment_busy")
        fresh = await Payment.create(
            customer_id=payment.customer_id,
            reference=payment_reference(now),
            amount=sum(order.total for order in pending),
            currency=payment.currency,
        )
        with shop_scope(ALL_SHOPS):
            await Order.filter(
                id__in=[o.id for o in pending], state=OrderState.PENDING_PAYMENT
            ).update(payment_id=fresh.id)
        return fresh

    return await atomic(work)


async def start_payment(
    runtime: Runtime,
    customer_id: int,
    reference: str,
    *,
    requested: str | None = None,
    user_agent: str = "",
    request_info: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Choose the provider and ask it how to pay; returns what the client needs."""
    now = now or utcnow()
    payment = await Payment.get_or_none(reference=reference, customer_id=customer_id)
    if payment is None:
        raise NotFound("No such payment.", code="payment_not_found")
    if payment.state != PaymentState.PENDING:
        raise Conflict(f"This payment is {payment.state}.", code="payment_not_pending")
    orders = await _orders_of(payment)
    pending = [o for o in orders if o.state == OrderState.PENDING_PAYMENT]
    if not pending:
        raise Conflict("There is nothing left to pay.", code="nothing_to_pay")
    if any(o.expires_at is not None and o.expires_at <= now for o in pending):
        raise Conflict("The time to pay this order has passed.", code="payment_expired")
    if len(pending) < len(orders):
        payment = await _split_off(payment, pending, now)
    code = await choose_provider(runtime, payment, requested, user_agent)
    provider = (await providers(runtime))[code]
    await Payment.filter(id=payment.id, state=PaymentState.PENDING).update(
        provider=code, updated_at=now
    )
    payment.provider = code
    data = await provider.start(runtime, payment, request_info or {})
    return {
        **payment_json(payment),
        "orders": [o.number for o in pending],
        "action": data,
    }


async def provider_says_paid(runtime: Runtime, payment_id: int) -> bool:
    """Ask the payment's provider whether the money arrived (used before expiring orders)."""
    payment = await Payment.get_or_none(id=payment_id)
    if payment is None or payment.state == PaymentState.SUCCEEDED:
        return payment is not None
    provider = (await providers(runtime)).get(payment.provider) if payment.provider else None
    if provider is None:
        return False
    try:
        return await provider.query(runtime, payment) == PaymentState.SUCCEEDED
    except Exception:  # an unreachable provider must not keep stock locked forever
        log.warning("could not query %s about payment %s", payment.provider, payment.reference)
        return False


def payment_json(payment: Payment) -> dict[str, Any]:
    return {
        "reference": payment.reference,
        "amount": payment.amount,
        "currency": payment.currency,
        "state": payment.state,
        "provider": payment.provider,
        "paid_amount": payment.paid_amount,
        "refunded_amount": payment.refunded_amount,
    }
