"""Enrollment: open, by approval, by invitation; never a fee; every change recorded."""

from __future__ import annotations

import pytest

from shequ.core.distribution.enrollment import (
    approve_application,
    enroll,
    invite_customer,
    reject_application,
    suspend_distributor,
)
from shequ.core.distribution.errors import Conflict, Forbidden, Invalid, NotEnabled
from shequ.core.distribution.models import DistributorChange
from shequ.core.orders.models import Order
from shequ.core.payments.models import Payment
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.distribution.factory import active_distributor, customer, main_shop, new_shop


async def history(shop_id: int, distributor_id: int) -> list[tuple[str, str, str]]:
    with shop_scope(shop_id):
        rows = await DistributorChange.filter(distributor_id=distributor_id).order_by("id")
    return [(r.from_status, r.to_status, r.actor) for r in rows]


async def test_open_enrollment_activates_at_once_costs_nothing_and_is_idempotent(make_dist):
    runtime = await make_dist(enrollment="open")
    shop = await main_shop()
    person = await customer()
    first = await enroll(runtime, shop, person)
    again = await enroll(runtime, shop, person)
    assert (first.status, first.id) == ("active", again.id)
    assert len(first.code) == 8
    assert await history(shop, first.id) == [("", "active", f"customer:{person}")]
    with shop_scope(ALL_SHOPS):  # becoming a distributor created no order and no payment
        assert await Order.all().count() == 0
    assert await Payment.all().count() == 0


async def test_one_customer_may_distribute_for_several_shops(make_dist):
    runtime = await make_dist()
    person = await customer()
    a = await enroll(runtime, await main_shop(), person)
    b = await enroll(runtime, await new_shop("second"), person)
    assert a.shop_id != b.shop_id and a.code != b.code


async def test_approval_enrollment_waits_for_the_seller(make_dist):
    runtime = await make_dist(enrollment="approval")
    shop = await main_shop()
    applicant, other = await customer(), await customer()
    pending = await enroll(runtime, shop, applicant)
    assert pending.status == "pending"
    approved = await approve_application(runtime, shop, pending.id, "staff:9")
    assert (approved.status, approved.decided_by) == ("active", "staff:9")
    refused = await reject_application(
        runtime, shop, (await enroll(runtime, shop, other)).id, "staff:9", "资料不全"
    )
    assert refused.status == "rejected"
    with pytest.raises(Conflict):
        await approve_application(runtime, shop, refused.id, "staff:9")
    assert (await enroll(runtime, shop, other)).status == "pending"  # may apply again
    assert await history(shop, refused.id) == [
        ("", "pending", f"customer:{other}"),
        ("pending", "rejected", "staff:9"),
        ("rejected", "pending", f"customer:{other}"),
    ]


async def test_invite_only_needs_an_invitation(make_dist):
    runtime = await make_dist(enrollment="invite")
    shop = await main_shop()
    inviter = await active_distributor(shop)
    stranger, friend, chosen = await customer(), await customer(), await customer()
    with pytest.raises(Forbidden):
        await enroll(runtime, shop, stranger)
    with pytest.raises(Invalid):
        await enroll(runtime, shop, stranger, invite_code="ZZZZZZZZ")
    joined = await enroll(runtime, shop, friend, invite_code=inviter.code)
    assert (joined.status, joined.invited_by_id) == ("active", inviter.customer_id)
    invited = await invite_customer(runtime, shop, chosen, "staff:1")
    assert invited.status == "invited"
    assert (await enroll(runtime, shop, chosen)).status == "active"


async def test_a_suspended_distributor_cannot_enroll_again(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    me = await enroll(runtime, shop, await customer())
    await suspend_distributor(runtime, shop, me.id, "staff:1", "虚假宣传")
    with pytest.raises(Forbidden):
        await enroll(runtime, shop, me.customer_id)


async def test_enrollment_needs_distribution_enabled(runtime):
    with pytest.raises(NotEnabled):
        await enroll(runtime, await main_shop(), await customer())
