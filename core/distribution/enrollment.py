"""Becoming a distributor: open, by approval, or by invitation. It never costs money.

There is deliberately no hook here: no plugin can add a fee, a purchase or any other
condition that costs the customer something (DESIGN.md §8).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from shequ.core.accounts.models import Customer
from shequ.core.distribution.codes import new_code, normalize_code
from shequ.core.distribution.errors import Conflict, Forbidden, Invalid, NotEnabled, NotFound
from shequ.core.distribution.models import Distributor, DistributorChange, DistributorStatus
from shequ.core.distribution.settings import DistributionSettings, distribution_settings
from shequ.core.jobs.outbox import utcnow
from shequ.core.shops.scope import shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)
S = DistributorStatus


async def require_settings(runtime: Runtime, shop_id: int) -> DistributionSettings:
    settings = await distribution_settings(runtime, shop_id)
    if settings is None:
        raise NotEnabled("Distribution is not enabled.")
    return settings


async def enroll(
    runtime: Runtime, shop_id: int, customer_id: int, invite_code: str | None = None
) -> Distributor:
    """Join the shop's distributors, as its ``enrollment`` setting allows.

    Idempotent: an active or pending distributor gets its row back unchanged.
    """
    settings = await require_settings(runtime, shop_id)
    customer = await Customer.get_or_none(id=customer_id)
    if customer is None or customer.status != "active":
        raise Forbidden("This account cannot become a distributor.")
    with shop_scope(shop_id):
        existing = await Distributor.get_or_none(customer_id=customer_id)
        if existing is not None and existing.status in (S.ACTIVE, S.PENDING):
            return existing
        if existing is not None and existing.status == S.SUSPENDED:
            raise Forbidden("The seller has suspended this distributor account.")
        inviter_id = None
        if settings.enrollment == "open":
            target = S.ACTIVE
        elif settings.enrollment == "approval":
            target = S.PENDING
        elif existing is not None and existing.status == S.INVITED:
            target = S.ACTIVE
        elif invite_code is not None:
            inviter_id = await _inviter(invite_code, customer_id)
            target = S.ACTIVE
        else:
            raise Forbidden("This shop's distributors join by invitation.", "invite_code")
        actor = f"customer:{customer_id}"
        if existing is not None:
            return await _change(existing, target, actor, f"enrollment: {settings.enrollment}")
        return await _create(shop_id, customer_id, target, actor, inviter_id)


async def _inviter(invite_code: str, customer_id: int) -> int:
    code = normalize_code(invite_code)
    inviter = await Distributor.get_or_none(code=code, status=S.ACTIVE) if code else None
    if inviter is None or inviter.customer_id == customer_id:
        raise Invalid("This invitation code is not valid.", "invite_code")
    return inviter.customer_id


async def _create(
    shop_id: int, customer_id: int, status: str, actor: str, inviter_id: int | None = None
) -> Distributor:
    for _ in range(5):
        try:
            async with in_transaction():
                distributor = await Distributor.create(
                    shop_id=shop_id,
                    customer_id=customer_id,
                    code=new_code(),
                    status=status,
                    invited_by_id=inviter_id,
                )
                await DistributorChange.create(
                    distributor=distributor, from_status="", to_status=status, actor=actor
                )
                return distributor
        except IntegrityError:
            # Either the same customer enrolled concurrently, or the code collided.
            existing = await Distributor.get_or_none(customer_id=customer_id)
            if existing is not None:
                return existing
    raise Conflict("Could not allocate a referral code; please try again.")


async def _change(distributor: Distributor, to_status: str, actor: str, reason: str) -> Distributor:
    from_status = distributor.status
    now = utcnow()
    staff = actor.startswith("staff:")
    async with in_transaction():
        updated = await Distributor.filter(id=distributor.id, status=from_status).update(
            status=to_status,
            decided_by=actor if staff else distributor.decided_by,
            decided_at=now if staff else distributor.decided_at,
        )
        if updated != 1:
            raise Conflict("This distributor was changed meanwhile; reload and try again.")
        await DistributorChange.create(
            distributor_id=distributor.id,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            reason=reason[:255],
        )
    return await Distributor.get(id=distributor.id)


async def _get(distributor_id: int) -> Distributor:
    distributor = await Distributor.get_or_none(id=distributor_id)
    if distributor is None:
        raise NotFound("No such distributor.")
    return distributor


# -- the seller's side ------------------------------------------------------------------------


async def approve_application(
    runtime: Runtime, shop_id: int, distributor_id: int, actor: str
) -> Distributor:
    await require_settings(runtime, shop_id)
    with shop_scope(shop_id):
        distributor = await _get(distributor_id)
        if distributor.status == S.ACTIVE:
            return distributor
        if distributor.status != S.PENDING:
            raise Conflict(
                f"Only pending applications can be approved (this one is {distributor.status})."
            )
        return await _change(distributor, S.ACTIVE, actor, "application approved")


async def reject_application(
    runtime: Runtime, shop_id: int, distributor_id: int, actor: str, reason: str = ""
) -> Distributor:
    await require_settings(runtime, shop_id)
    with shop_scope(shop_id):
        distributor = await _get(distributor_id)
        if distributor.status == S.REJECTED:
            return distributor
        if distributor.status != S.PENDING:
            raise Conflict(
                f"Only pending applications can be rejected (this one is {distributor.status})."
            )
        return await _change(distributor, S.REJECTED, actor, reason or "application rejected")


async def invite_customer(
    runtime: Runtime, shop_id: int, customer_id: int, actor: str
) -> Distributor:
    """The seller invites a customer; the customer becomes active by enrolling."""
    await require_settings(runtime, shop_id)
    if not await Customer.exists(id=customer_id):
        raise NotFound("No such customer.", "customer_id")
    with shop_scope(shop_id):
        existing = await Distributor.get_or_none(customer_id=customer_id)
        if existing is None:
            return await _create(shop_id, customer_id, S.INVITED, actor)
        if existing.status in (S.REJECTED,):
            return await _change(existing, S.INVITED, actor, "invited by the seller")
        return existing


async def suspend_distributor(
    runtime: Runtime, shop_id: int, distributor_id: int, actor: str, reason: str = ""
) -> Distributor:
    """Stop new bindings and new commissions; money already earned stays the distributor's."""
    with shop_scope(shop_id):
        distributor = await _get(distributor_id)
        if distributor.status == S.SUSPENDED:
            return distributor
        return await _change(distributor, S.SUSPENDED, actor, reason or "suspended")


async def reinstate_distributor(
    runtime: Runtime, shop_id: int, distributor_id: int, actor: str
) -> Distributor:
    with shop_scope(shop_id):
        distributor = await _get(distributor_id)
        if distributor.status != S.SUSPENDED:
            raise Conflict("Only a suspended distributor can be reinstated.")
        return await _change(distributor, S.ACTIVE, actor, "reinstated")


async def active_distributor(shop_id: int, customer_id: int) -> bool:
    with shop_scope(shop_id):
        return await Distributor.exists(customer_id=customer_id, status=S.ACTIVE)
