"""The manual provider: the buyer pays offline (bank transfer, cash, a personal QR code) and
staff confirm it. The confirmation goes through the same notification path as a provider's,
so it is recorded (who confirmed) and idempotent (confirming twice changes nothing)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shequ.core.orders.errors import Conflict, NotFound
from shequ.core.orders.models import Order
from shequ.core.payments.models import Payment
from shequ.core.payments.providers import NotificationRejected, VerifiedNotification
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from aiohttp import web

    from shequ.core.payments.models import Refund
    from shequ.core.payments.notifications import Outcome
    from shequ.core.runtime import Runtime

CODE = "manual"


class ManualProvider:
    code = CODE

    async def start(
        self, runtime: Runtime, payment: Payment, request_info: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "instructions": "Pay the seller directly and quote this reference; "
            "the order is marked paid when the seller confirms it.",
            "reference": payment.reference,
        }

    async def parse_notification(
        self, runtime: Runtime, request: web.Request
    ) -> VerifiedNotification:
        raise NotificationRejected("manual payments are confirmed by staff, not by notifications")

    async def refund(self, runtime: Runtime, refund: Refund) -> str:
        return "manual"  # the seller gives the money back offline

    async def query(self, runtime: Runtime, payment: Payment) -> str:
        return payment.state


async def confirm_manual_payment(
    runtime: Runtime, reference: str, *, actor: str, shop_id: int | None = None, note: str = ""
) -> Outcome:
    """Staff confirm an offline payment. ``shop_id`` limits a shop's staff to payments made
    only for that shop's orders; platform operators pass ``None``."""
    from shequ.core.payments.notifications import handle_notification

    payment = await Payment.get_or_none(reference=reference)
    if payment is None:
        raise NotFound("No such payment.", code="payment_not_found")
    if shop_id is not None:
        with shop_scope(ALL_SHOPS):
            shops = set(await Order.filter(payment_id=payment.id).values_list("shop_id", flat=True))
        if shops != {shop_id}:
            raise NotFound("No such payment.", code="payment_not_found")
    if payment.provider not in ("", CODE):
        raise Conflict(
            f"This payment was started with {payment.provider}, not as a manual payment.",
            code="not_manual",
        )
    verified = VerifiedNotification(
        notification_id=f"manual:{payment.reference}",
        reference=payment.reference,
        amount=payment.amount,
        currency=payment.currency,
        provider_ref=f"confirmed by {actor}"[:64],
        payload={"confirmed_by": actor, "note": note[:200]},
    )
    return await handle_notification(runtime, CODE, verified)
