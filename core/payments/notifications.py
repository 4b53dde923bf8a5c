"""Payment notifications: verified, recorded once, safe to replay.

A provider's :meth:`parse_notification` checks the signature (a forgery is refused with 400
and nothing is written). Then, in one transaction, the notification is recorded under its
unique ``(provider, notification_id)``, checked against the payment (amount and currency must
match exactly, else it is recorded as a mismatch, answered 400, and nothing is paid), and the
payment and all its orders are marked paid, each order transition recorded and announced.

A replay finds its row and gets the same outcome again without changing anything; two
concurrent deliveries of one notification meet at the unique index and the loser replays.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.errors import CommerceError, NotFound
from shequ.core.orders.service import pay_orders
from shequ.core.orders.transactions import atomic
from shequ.core.payments.models import Payment, PaymentNotification, PaymentState
from shequ.core.payments.providers import NotificationRejected, VerifiedNotification, providers

if TYPE_CHECKING:
    from aiohttp import web

    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

# Outcomes the provider should stop retrying (answered 200); the others are refusals (400).
ACCEPTED = frozenset({"paid", "already_paid", "paid_after_cancel", "failed"})
MESSAGES = {
    "paid": "Payment recorded.",
    "already_paid": "The payment was already recorded.",
    "paid_after_cancel": "Payment recorded; some orders had been cancelled and need a refund.",
    "failed": "The provider reports the payment failed.",
    "amount_mismatch": "The amount does not match the payment.",
    "currency_mismatch": "The currency does not match the payment.",
    "unknown_payment": "No payment has this reference.",
}


class NotificationRefused(CommerceError):
    status = 400
    code = "invalid_notification"


@dataclass(frozen=True)
class Outcome:
    code: str
    reference: str
    replayed: bool = False

    @property
    def accepted(self) -> bool:
        return self.code in ACCEPTED

    @property
    def message(self) -> str:
        return MESSAGES.get(self.code, self.code)


async def receive(runtime: Runtime, provider_code: str, request: web.Request) -> Outcome:
    """Verify and handle a notification POSTed by ``provider_code``."""
    provider = (await providers(runtime)).get(provider_code)
    if provider is None:
        raise NotFound(f"No payment provider {provider_code!r}.", code="unknown_provider")
    try:
        verified = await provider.parse_notification(runtime, request)
    except NotificationRejected as exc:
        log.warning("notification from %s refused: %s", provider_code, exc)
        raise NotificationRefused(f"Notification refused: {exc}.") from None
    return await handle_notification(runtime, provider_code, verified)


async def _recorded(provider_code: str, notification_id: str) -> PaymentNotification | None:
    return await PaymentNotification.get_or_none(
        provider=provider_code, notification_id=notification_id
    )


async def handle_notification(
    runtime: Runtime,
    provider_code: str,
    notification: VerifiedNotification,
    *,
    now: dt.datetime | None = None,
) -> Outcome:
    """Apply a verified notification once; replays return the first outcome."""
    seen = await _recorded(provider_code, notification.notification_id)
    if seen is not None:
        return Outcome(seen.outcome, notification.reference, replayed=True)

    async def work() -> Outcome:
        seen = await _recorded(provider_code, notification.notification_id)
        if seen is not None:  # recorded while we waited for the write lock
            return Outcome(seen.outcome, notification.reference, replayed=True)
        return await _apply(runtime, provider_code, notification, now or utcnow())

    try:
        return await atomic(work)
    except IntegrityError:
        seen = await _recorded(provider_code, notification.notification_id)
        if seen is None:
            raise
        return Outcome(seen.outcome, notification.reference, replayed=True)


async def _apply(
    runtime: Runtime, provider_code: str, n: VerifiedNotification, now: dt.datetime
) -> Outcome:
    # The row goes in first: a concurrent delivery of the same notification waits on its
    # unique index and then replays this outcome.
    record = await PaymentNotification.create(
        provider=provider_code,
        notification_id=n.notification_id,
        payload={
            "reference": n.reference,
            "amount": n.amount,
            "currency": n.currency,
            "succeeded": n.succeeded,
            "provider_ref": n.provider_ref,
            "raw": n.payload,
        },
        outcome="received",
    )
    payment = await Payment.filter(reference=n.reference).select_for_update().first()
    code = _check(payment, n)
    if code is None:
        assert payment is not None
        changed = await Payment.filter(
            id=payment.id, state__in=[PaymentState.PENDING, PaymentState.CANCELLED]
        ).update(
            state=PaymentState.SUCCEEDED,
            provider=provider_code,
            provider_ref=n.provider_ref[:64],
            paid_amount=n.amount,
            paid_at=now,
            updated_at=now,
        )
        if changed != 1:
            code = "already_paid"
        else:
            _, late = await pay_orders(runtime, payment, actor=f"provider:{provider_code}", now=now)
            code = "paid"
            if late:
                code = "paid_after_cancel"
                log.error(
                    "payment %s succeeded after orders %s were %s: refund them",
                    payment.reference,
                    ", ".join(o.number for o in late),
                    "/".join(sorted({o.state for o in late})),
                )
    record.payment_id = payment.id if payment is not None else None
    record.outcome = code
    await record.save(update_fields=["payment_id", "outcome", "updated_at"])
    if code not in ACCEPTED:
        log.warning("notification %s from %s: %s", n.notification_id, provider_code, code)
    return Outcome(code, n.reference)


def _check(payment: Payment | None, n: VerifiedNotification) -> str | None:
    """Why this notification pays nothing, or None when it pays the payment."""
    if payment is None:
        return "unknown_payment"
    if n.currency != payment.currency:
        return "currency_mismatch"
    if n.amount != payment.amount:
        return "amount_mismatch"
    if not n.succeeded:
        return "failed"
    if payment.state == PaymentState.SUCCEEDED:
        return "already_paid"
    return None
