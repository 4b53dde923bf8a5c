"""Writing reviews, hiding them (never deleting) and the seller's reply.

Who may do what (电子商务法 art. 17, 39):

- a review comes from the buyer of a completed order, once per order line (or once for the
  whole order when no line is named); the shop's own owner and staff cannot review it;
- a plugin may refuse a review through ``shequ_validate_review``: nothing is stored, the
  reason is returned to the buyer and logged at INFO with the plugin's name
  (logger ``shequ.core.reputation.reviews``) so the platform can see every refusal;
- a review is hidden, with a reason, by a platform operator or the shop's owner; what the
  platform hid only the platform shows again; every change is a :class:`ReviewAudit` row;
  a review the seller hid still counts in the score (only the platform can take it out);
- the shop's owner or staff may reply once; the reply is kept apart from the review.

``actor`` is always the acting person's customer id; their role comes from ``StaffRole``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from shequ.core.accounts.models import StaffRole
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.models import Order, OrderLine, OrderState
from shequ.core.pluginsys.dispatch import HookVeto
from shequ.core.reputation.errors import Conflict, NotAllowed, NotFound, Vetoed
from shequ.core.reputation.models import (
    BODY_MAX,
    REASON_MAX,
    REPLY_MAX,
    AuditAction,
    Review,
    ReviewAudit,
    ReviewStatus,
)
from shequ.core.reputation.text import clean_rating, clean_text
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

PUBLISHED_HOOK = "shequ_review_published"


def subject_key(order_id: int, order_line_id: int | None) -> str:
    """What a review is about; the database keeps one review per key."""
    return f"line:{order_line_id}" if order_line_id is not None else f"order:{order_id}"


async def submit_review(
    runtime: Runtime,
    customer_id: int,
    order_id: int,
    order_line_id: int | None,
    rating: int,
    body: str,
) -> Review:
    """Publish a buyer's review of a completed order (or one of its lines).

    :raises InvalidReview: bad rating or body (422).
    :raises NotFound: no such order among the customer's, or no such line on it (404).
    :raises NotAllowed: the customer is owner or staff of the order's shop (403).
    :raises Conflict: the order is not completed, or this was already reviewed (409).
    :raises Vetoed: a plugin refused it (422); nothing is stored.
    """
    rating = clean_rating(rating)
    body = clean_text(body, field="body", max_length=BODY_MAX)
    with shop_scope(ALL_SHOPS):
        # Filtering by the customer is authorisation, not scoping: others' orders are "not found".
        order = await Order.get_or_none(id=order_id, customer_id=customer_id)
    if order is None:
        raise NotFound("No such order among yours.", field="order_id", code="order_not_found")
    shop_id = order.shop_id
    if await StaffRole.filter(customer_id=customer_id, shop_id=shop_id).exists():
        raise NotAllowed(
            "A shop's owner and staff cannot review its orders.", code="seller_cannot_review"
        )
    if order.state != OrderState.COMPLETED:
        raise Conflict(
            "Only completed orders can be reviewed.", field="order_id", code="order_not_completed"
        )
    key = subject_key(order.id, order_line_id)
    with shop_scope(shop_id):
        product_id = None
        if order_line_id is not None:
            line = await OrderLine.get_or_none(id=order_line_id, order_id=order.id)
            if line is None:
                raise NotFound(
                    "No such line on this order.",
                    field="order_line_id",
                    code="order_line_not_found",
                )
            product_id = line.product_id
        if await Review.filter(subject_key=key).exists():
            raise _already_reviewed()
        try:
            await runtime.hooks.validate(
                "shequ_validate_review",
                shop_id=shop_id,
                customer_id=customer_id,
                order_id=order.id,
                rating=rating,
                body=body,
            )
        except HookVeto as veto:
            log.info(
                "review refused by plugin %s: shop=%s customer=%s order=%s line=%s reason=%r",
                veto.plugin,
                shop_id,
                customer_id,
                order.id,
                order_line_id,
                veto.reason,
            )
            raise Vetoed(veto.reason, veto.plugin) from None
        try:
            async with in_transaction():
                review = await Review.create(
                    order_id=order.id,
                    order_line_id=order_line_id,
                    product_id=product_id,
                    customer_id=customer_id,
                    rating=rating,
                    body=body,
                    subject_key=key,
                )
                await _audit(
                    review, customer_id, "customer", AuditAction.PUBLISHED, "", ReviewStatus.VISIBLE
                )
                await runtime.hooks.notify(PUBLISHED_HOOK, review_id=review.id, shop_id=shop_id)
        except IntegrityError:
            # A concurrent submission of the same review won the unique subject_key.
            raise _already_reviewed() from None
    return review


async def hide_review(runtime: Runtime, review_id: int, actor: int, reason: str) -> Review:
    """Hide a review from public lists (it stays stored, with an audit entry).

    :param actor: customer id of a platform operator or of the shop's owner.
    :param reason: why; required, recorded, shown to the platform.
    """
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    review = await _review(review_id)
    role = await _moderator_role(actor, review.shop_id)
    with shop_scope(review.shop_id):
        async with in_transaction():
            changed = await Review.filter(id=review.id, status=ReviewStatus.VISIBLE).update(
                status=ReviewStatus.HIDDEN, hidden_by_platform=role == "operator"
            )
            if not changed:
                raise Conflict("This review is already hidden.", code="already_hidden")
            await _audit(
                review,
                actor,
                role,
                AuditAction.HIDDEN,
                ReviewStatus.VISIBLE,
                ReviewStatus.HIDDEN,
                reason,
            )
        return await Review.get(id=review.id)


async def unhide_review(runtime: Runtime, review_id: int, actor: int, reason: str) -> Review:
    """Show a hidden review again. A review the platform hid only the platform can show."""
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    review = await _review(review_id)
    role = await _moderator_role(actor, review.shop_id)
    with shop_scope(review.shop_id):
        last_hide = (
            await ReviewAudit.filter(review_id=review.id, action=AuditAction.HIDDEN)
            .order_by("-id")
            .first()
        )
        if last_hide is not None and last_hide.actor_role == "operator" and role != "operator":
            raise NotAllowed(
                "The platform hid this review; only the platform can show it again.",
                code="hidden_by_platform",
            )
        async with in_transaction():
            changed = await Review.filter(id=review.id, status=ReviewStatus.HIDDEN).update(
                status=ReviewStatus.VISIBLE, hidden_by_platform=False
            )
            if not changed:
                raise Conflict("This review is not hidden.", code="not_hidden")
            await _audit(
                review,
                actor,
                role,
                AuditAction.UNHIDDEN,
                ReviewStatus.HIDDEN,
                ReviewStatus.VISIBLE,
                reason,
            )
            await runtime.hooks.notify(PUBLISHED_HOOK, review_id=review.id, shop_id=review.shop_id)
        return await Review.get(id=review.id)


async def reply(runtime: Runtime, review_id: int, actor: int, text: str) -> Review:
    """The seller's public answer to a review, once (the shop's owner or staff)."""
    text = clean_text(text, field="text", max_length=REPLY_MAX)
    review = await _review(review_id)
    staff_role = await StaffRole.filter(
        customer_id=actor, shop_id=review.shop_id, role__in=("owner", "staff")
    ).first()
    if staff_role is None:
        raise NotAllowed("Only the shop's owner or staff can reply.", code="not_shop_staff")
    with shop_scope(review.shop_id):
        async with in_transaction():
            changed = await Review.filter(id=review.id, seller_reply="").update(
                seller_reply=text, seller_reply_at=utcnow()
            )
            if not changed:
                raise Conflict("This review already has a reply.", code="already_replied")
            await _audit(
                review, actor, staff_role.role, AuditAction.REPLIED, review.status, review.status
            )
        return await Review.get(id=review.id)


async def _review(review_id: int) -> Review:
    with shop_scope(ALL_SHOPS):
        review = await Review.get_or_none(id=review_id)
    if review is None:
        raise NotFound("No such review.", field="review_id", code="review_not_found")
    return review


async def _moderator_role(actor: int, shop_id: int) -> str:
    """``"operator"`` or ``"owner"``; anyone else may not hide or show reviews."""
    roles = await StaffRole.filter(
        Q(shop_id=None, role="operator") | Q(shop_id=shop_id, role="owner"), customer_id=actor
    ).values_list("role", flat=True)
    if "operator" in roles:
        return "operator"
    if "owner" in roles:
        return "owner"
    raise NotAllowed(
        "Only a platform operator or the shop's owner can do this.", code="not_moderator"
    )


async def _audit(
    review: Review,
    actor: int,
    role: str,
    action: str,
    from_status: str,
    to_status: str,
    reason: str = "",
) -> ReviewAudit:
    return await ReviewAudit.create(
        shop_id=review.shop_id,
        review_id=review.id,
        actor_id=actor,
        actor_role=role,
        action=action,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )


def _already_reviewed() -> Conflict:
    return Conflict("You have already reviewed this.", code="already_reviewed")
