"""The ledger: pending -> frozen -> available, proportional reversals, settlement, races."""

from __future__ import annotations

import asyncio
import datetime as dt
import types

import pytest

from shequ.core import hookimpl
from shequ.core.distribution import engine
from shequ.core.distribution.binding import bind_by_code
from shequ.core.distribution.ledger import SETTLE_JOB, balances, settle_due
from shequ.core.distribution.models import Commission, CommissionChange
from shequ.core.distribution.withdrawals import approve_withdrawal, request_withdrawal
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.models import Order, OrderLine, OrderState
from shequ.core.payments.models import Refund
from shequ.core.shops.scope import shop_scope
from tests import dbs
from tests.core.distribution.factory import (
    active_distributor,
    complete,
    customer,
    drain,
    main_shop,
    order_lines,
    pay,
    place_order,
    plugins,
    refund,
)
from tests.core.distribution.invariants import assert_consistent


async def setup_referral(runtime, shop):
    referrer = await active_distributor(shop)
    buyer = await customer()
    await bind_by_code(runtime, buyer, referrer.code)
    return referrer.customer_id, buyer


async def the_commission(shop, order) -> Commission:
    with shop_scope(shop):
        return await Commission.get(order_id=order.id)


async def test_completion_freezes_and_the_window_makes_it_available(make_dist):
    runtime = await make_dist(rates=[10], settle_after_days=7)
    shop = await main_shop()
    referrer, buyer = await setup_referral(runtime, shop)
    order = await place_order(runtime, shop, buyer, [(10_000, 1)])
    await pay(runtime, order)
    await complete(runtime, order)
    c = await the_commission(shop, order)
    with shop_scope(shop):
        completed_at = (await Order.get(id=order.id)).completed_at
    assert c.state == "frozen"
    assert c.settle_at == completed_at + dt.timedelta(days=7)
    assert (await balances(shop, referrer))["frozen"] == 1_000
    assert await settle_due(runtime, now=c.settle_at - dt.timedelta(seconds=1)) == 0
    assert await settle_due(runtime, now=c.settle_at) == 1
    assert await settle_due(runtime, now=c.settle_at) == 0
    amounts = await balances(shop, referrer)
    assert (amounts["pending"], amounts["frozen"], amounts["available"]) == (0, 0, 1_000)
    with shop_scope(shop):
        changes = await CommissionChange.filter(commission_id=c.id).order_by("id")
    assert [(x.from_state, x.to_state) for x in changes] == [
        ("", "pending"),
        ("pending", "frozen"),
        ("frozen", "available"),
    ]
    await assert_consistent(shop)


async def test_settlement_runs_as_a_scheduled_job(make_dist):
    runtime = await make_dist(rates=[10])
    assert SETTLE_JOB in [s.job for s in runtime.jobs.schedules]
    shop = await main_shop()
    referrer, buyer = await setup_referral(runtime, shop)
    order = await place_order(runtime, shop, buyer)
    await pay(runtime, order)
    await complete(runtime, order)
    with shop_scope(shop):  # the after-sales window passes
        await Commission.filter(order_id=order.id).update(settle_at=utcnow() - dt.timedelta(1))
    assert await runtime.runner.enqueue_schedules() >= 1
    await drain(runtime)
    assert (await balances(shop, referrer))["available"] == 1_000


async def test_observers_hear_every_state_change(make_runtime):
    heard = []

    def changed(commission_id, shop_id, from_state, to_state):
        heard.append((from_state, to_state))

    module = types.ModuleType("listener")
    module.shequ_commission_changed = hookimpl(changed)
    data = plugins(rates=[10])
    data["plugins"]["enabled"].append("listener")
    runtime = make_runtime(data, extra_plugins={"listener": module})
    async with runtime.running(run_jobs=False):
        shop = await main_shop()
        _, buyer = await setup_referral(runtime, shop)
        order = await place_order(runtime, shop, buyer)
        await pay(runtime, order)
        await complete(runtime, order)
        await settle_due(runtime, now=utcnow() + dt.timedelta(days=8))
        await refund(runtime, order, {(await order_lines(order))[0].id: 10_000})
        assert heard == [
            ("", "pending"),
            ("pending", "frozen"),
            ("frozen", "available"),
            ("available", "reversed"),
        ]


async def test_refunds_reverse_proportionally_and_a_full_refund_reverses_all(make_dist):
    runtime = await make_dist(levels=2, rates=[10, 5])
    shop = await main_shop()
    top = await active_distributor(shop)
    mid = await active_distributor(shop)
    await bind_by_code(runtime, mid.customer_id, top.code)
    buyer = await customer()
    await bind_by_code(runtime, buyer, mid.code)
    order = await place_order(runtime, shop, buyer, [(3_333, 3), (5_000, 1)])
    await pay(runtime, order)
    first, second = await order_lines(order)
    await refund(runtime, order, {first.id: 3_333})  # one of three items
    with shop_scope(shop):
        owed = {
            (c.order_line_id, c.level): (c.owed, c.state)
            for c in await Commission.all().order_by("id")
        }
    # 9999 paid -> 6666 kept: 999 * 6666 // 9999 = 666, 499 * 6666 // 9999 = 332.
    assert owed == {
        (first.id, 1): (666, "pending"),
        (first.id, 2): (332, "pending"),
        (second.id, 1): (500, "pending"),
        (second.id, 2): (250, "pending"),
    }
    await assert_consistent(shop)
    await refund(runtime, order, {first.id: 6_666, second.id: 5_000})
    with shop_scope(shop):
        rows = await Commission.all()
    assert {(c.owed, c.state) for c in rows} == {(0, "reversed")}
    for person in (top.customer_id, mid.customer_id):
        assert set((await balances(shop, person)).values()) == {0}
    await assert_consistent(shop)


async def test_a_refund_after_settlement_may_leave_a_negative_balance_recovered_later(make_dist):
    runtime = await make_dist(rates=[10], settle_after_days=0, withdraw_min=100)
    shop = await main_shop()
    referrer, buyer = await setup_referral(runtime, shop)
    order = await place_order(runtime, shop, buyer, [(10_000, 1)])
    await pay(runtime, order)
    await complete(runtime, order)
    await settle_due(runtime)
    w = await request_withdrawal(runtime, shop, referrer, 1_000, "all-of-it")
    await approve_withdrawal(runtime, shop, w.id, "staff:1")
    await refund(runtime, order, {(await order_lines(order))[0].id: 10_000})
    amounts = await balances(shop, referrer)
    assert (amounts["available"], amounts["withdrawn"]) == (-1_000, 1_000)
    again = await place_order(runtime, shop, buyer, [(30_000, 1)])
    await pay(runtime, again)
    await complete(runtime, again)
    await settle_due(runtime)
    assert (await balances(shop, referrer))["available"] == 2_000  # 3000 earned, 1000 owed back
    await assert_consistent(shop)


async def test_completion_or_refund_arriving_before_payment_builds_the_plan_first(make_dist):
    runtime = await make_dist(rates=[10])
    shop = await main_shop()
    referrer, buyer = await setup_referral(runtime, shop)
    order = await place_order(runtime, shop, buyer, [(10_000, 1)])
    with shop_scope(shop):
        await Order.filter(id=order.id).update(
            state=OrderState.COMPLETED, paid_amount=order.total, completed_at=utcnow()
        )
    await engine.on_order_completed(runtime, shop, order.id)  # the paid event is late
    await engine.on_order_paid(runtime, shop, order.id)
    assert (await the_commission(shop, order)).state == "frozen"
    assert (await balances(shop, referrer))["frozen"] == 1_000
    await assert_consistent(shop)


async def test_a_cancelled_paid_order_takes_everything_back(make_dist):
    runtime = await make_dist(rates=[10])
    shop = await main_shop()
    referrer, buyer = await setup_referral(runtime, shop)
    order = await place_order(runtime, shop, buyer)
    await pay(runtime, order)
    with shop_scope(shop):
        await Order.filter(id=order.id).update(state=OrderState.CANCELLED)
    await runtime.hooks.notify("shequ_order_cancelled", order_id=order.id, shop_id=shop)
    await drain(runtime)
    assert (await the_commission(shop, order)).state == "reversed"
    assert set((await balances(shop, referrer)).values()) == {0}
    await assert_consistent(shop)


@pytest.mark.skipif(not dbs.is_postgres(), reason="real concurrency needs PostgreSQL")
async def test_concurrent_settlement_and_refund_of_one_order_leave_a_consistent_ledger(make_dist):
    runtime = await make_dist(levels=2, rates=[10, 5], settle_after_days=0)
    shop = await main_shop()
    top = await active_distributor(shop)
    mid = await active_distributor(shop)
    await bind_by_code(runtime, mid.customer_id, top.code)
    buyer = await customer()
    await bind_by_code(runtime, buyer, mid.code)
    outcomes = set()
    for i in range(15):
        order = await place_order(runtime, shop, buyer, [(7_777, 3), (1_001, 1)])
        await pay(runtime, order)
        await complete(runtime, order)
        lines = await order_lines(order)
        parts = {lines[0].id: 7_777 * (1 + i % 3), lines[1].id: 1_001 * (i % 2)}
        await refund(runtime, order, parts, deliver=False)  # recorded; its event races below
        await asyncio.gather(
            settle_due(runtime),
            engine.on_order_refunded(runtime, shop, order.id),
            engine.on_order_refunded(runtime, shop, order.id),
            settle_due(runtime),
        )
        with shop_scope(shop):
            rows = await Commission.filter(order_id=order.id)
        outcomes |= {c.state for c in rows}
        for c in rows:  # whatever the interleaving, what is owed follows the refund exactly
            line = next(x for x in lines if x.id == c.order_line_id)
            kept = c.base_amount - min(parts[line.id], c.base_amount)
            assert c.owed == c.amount * kept // c.base_amount
            assert c.state == ("reversed" if c.owed == 0 else "available")
        await assert_consistent(shop)
    assert outcomes >= {"available", "reversed"}


async def test_refunds_count_against_the_lines_share_of_everything_paid(make_dist):
    runtime = await make_dist(rates=[10])
    shop = await main_shop()
    _, buyer = await setup_referral(runtime, shop)
    # Goods 6000 + 4000, shipping 1000: the lines' shares of the 11000 paid are 6600 and 4400.
    order = await place_order(runtime, shop, buyer, [(6_000, 1), (4_000, 1)], shipping=1_000)
    await pay(runtime, order)
    first, second = await order_lines(order)
    await refund(runtime, order, {first.id: 3_300})  # half of the first line's share
    await refund(runtime, order, {second.id: 4_400})  # all of the second line, shipping too
    with shop_scope(shop):
        got = {c.order_line_id: (c.amount, c.owed, c.state) for c in await Commission.all()}
    assert got == {first.id: (600, 300, "pending"), second.id: (400, 0, "reversed")}
    await assert_consistent(shop)


async def test_a_pending_refund_takes_nothing_back_until_it_succeeds(make_dist):
    runtime = await make_dist(rates=[10])
    shop = await main_shop()
    _, buyer = await setup_referral(runtime, shop)
    order = await place_order(runtime, shop, buyer, [(10_000, 1)])
    await pay(runtime, order)
    [line] = await order_lines(order)
    with shop_scope(shop):  # reserved on the line, not yet confirmed by the provider
        await OrderLine.filter(id=line.id).update(refunded_amount=10_000)
        await Refund.create(
            order_id=order.id,
            payment_id=order.payment_id,
            amount=10_000,
            line_amounts={str(line.id): 10_000},
            state="pending",
            actor="staff:1",
        )
    await engine.on_order_refunded(runtime, shop, order.id)
    assert (await the_commission(shop, order)).owed == 1_000
