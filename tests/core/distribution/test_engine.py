"""Commission plans: default rates, overrides, the compliance guard, vetoes, idempotency."""

from __future__ import annotations

import logging
import types
from decimal import Decimal

from shequ.core import hookimpl
from shequ.core.catalog.models import Category, Product
from shequ.core.distribution import engine
from shequ.core.distribution.binding import bind_by_code
from shequ.core.distribution.ledger import balances
from shequ.core.distribution.models import Commission, CommissionPlan, LedgerEntry
from shequ.core.hooktypes import CommissionLine
from shequ.core.shops.scope import shop_scope
from tests.core.distribution.factory import (
    active_distributor,
    customer,
    drain,
    main_shop,
    order_lines,
    pay,
    place_order,
    plugins,
)


async def commissions(shop_id: int, order_id: int) -> list[Commission]:
    with shop_scope(shop_id):
        return await Commission.filter(order_id=order_id).order_by("order_line_id", "level")


async def plan_of(shop_id: int, order_id: int) -> CommissionPlan | None:
    with shop_scope(shop_id):
        return await CommissionPlan.get_or_none(order_id=order_id)


async def referred_buyer(runtime, shop: int, levels: int = 1):
    """(buyer, [nearest distributor, next]) bound through real links."""
    top = await active_distributor(shop)
    if levels == 1:
        buyer = await customer()
        await bind_by_code(runtime, buyer, top.code)
        return buyer, [top.customer_id]
    mid = await active_distributor(shop)
    await bind_by_code(runtime, mid.customer_id, top.code)
    buyer = await customer()
    await bind_by_code(runtime, buyer, mid.code)
    return buyer, [mid.customer_id, top.customer_id]


async def test_a_paid_order_earns_the_referrer_a_pending_commission_with_its_explanation(make_dist):
    runtime = await make_dist(rates=[10])
    shop = await main_shop()
    buyer, chain = await referred_buyer(runtime, shop)
    order = await place_order(runtime, shop, buyer, [(12_345, 2)])
    assert order.referral_chain == chain
    await pay(runtime, order)
    [c] = await commissions(shop, order.id)
    line = (await order_lines(order))[0]
    assert (c.beneficiary_id, c.level, c.order_line_id) == (chain[0], 1, line.id)
    assert (c.base_amount, c.amount, c.state) == (24_690, 2_469, "pending")
    assert c.rate_percent == Decimal("10")
    assert c.plugin == "distribution"
    assert c.explanation["chain"] == chain
    assert c.explanation["rule"] == "default rate, level 1: 10%"
    assert c.explanation["base_amount"] == 24_690
    assert await balances(shop, chain[0]) == {
        "pending": 2_469,
        "frozen": 0,
        "available": 0,
        "withdrawing": 0,
        "withdrawn": 0,
    }


async def test_two_levels_pay_each_at_its_rate_and_nobody_deeper(make_dist):
    runtime = await make_dist(levels=2, rates=[10, 5])
    shop = await main_shop()
    buyer, chain = await referred_buyer(runtime, shop, levels=2)
    order = await place_order(runtime, shop, buyer, [(10_000, 1)])
    await pay(runtime, order)
    got = [(c.beneficiary_id, c.level, c.amount) for c in await commissions(shop, order.id)]
    assert got == [(chain[0], 1, 1_000), (chain[1], 2, 500)]


async def test_the_base_is_what_was_paid_net_of_discounts_and_never_shipping(make_dist):
    runtime = await make_dist(rates=[10])
    shop = await main_shop()
    buyer, _ = await referred_buyer(runtime, shop)
    order = await place_order(
        runtime,
        shop,
        buyer,
        [(10_000, 1), (5_000, 2)],
        line_discounts=[1_000, 0],
        order_discount=1_900,
        shipping=800,
    )
    await pay(runtime, order)
    got = [(c.base_amount, c.amount) for c in await commissions(shop, order.id)]
    # Lines pay 9000 and 10000; the 1900 coupon splits 900/1000; shipping earns nothing.
    assert got == [(8_100, 810), (9_000, 900)]


async def test_product_and_category_rates_override_the_default(make_dist):
    await make_dist()  # opens the database
    shop = await main_shop()
    with shop_scope(shop):
        tea = await Category.create(name="茶", slug="tea")
        oolong = await Product.create(title="乌龙", category=tea)
        puer = await Product.create(title="普洱", category=tea)
        cup = await Product.create(title="杯")
    runtime = await make_dist(
        rates=[10], product_rates={str(puer.id): [20]}, category_rates={str(tea.id): [15]}
    )
    buyer, _ = await referred_buyer(runtime, shop)
    order = await place_order(
        runtime, shop, buyer, [(1_000, 1)] * 3, product_ids=[oolong.id, puer.id, cup.id]
    )
    await pay(runtime, order)
    got = [(c.amount, c.rule) for c in await commissions(shop, order.id)]
    assert got == [
        (150, f"category {tea.id} rate, level 1: 15%"),
        (200, f"product {puer.id} rate, level 1: 20%"),
        (100, "default rate, level 1: 10%"),
    ]


def proposer(lines_for):
    """A plugin whose shequ_commission_plan returns ``lines_for(order, chain)``."""
    module = types.ModuleType("proposer")
    module.shequ_commission_plan = hookimpl(lambda order, chain: lines_for(order, chain))
    return module


async def with_proposer(make_runtime, lines_for, **settings):
    data = plugins(**settings)
    data["plugins"]["enabled"].append("proposer")
    runtime = make_runtime(data, extra_plugins={"proposer": proposer(lines_for)})
    await runtime.start(run_jobs=False)
    return runtime


async def test_a_recruiting_bonus_is_dropped_and_logged(make_runtime, caplog):
    def recruiting_bonus(order, chain):
        return [CommissionLine(chain[0], 1, None, 5_000, "recruit bonus: brought a new member")]

    runtime = await with_proposer(make_runtime, recruiting_bonus)
    try:
        shop = await main_shop()
        buyer, chain = await referred_buyer(runtime, shop)
        order = await place_order(runtime, shop, buyer, [(10_000, 1)])
        with caplog.at_level(logging.WARNING, logger="shequ.core.distribution.engine"):
            await pay(runtime, order)
        assert [c.plugin for c in await commissions(shop, order.id)] == ["distribution"]
        assert "dropped a commission line of plugin proposer" in caplog.text
        assert "not tied to a line of this order" in caplog.text
        plan = await plan_of(shop, order.id)
        assert [(d["plugin"], d["order_line_id"], d["amount"]) for d in plan.dropped] == [
            ("proposer", None, 5_000)
        ]
        assert sum((await balances(shop, chain[0])).values()) == 1_000
    finally:
        await runtime.stop()


async def test_lines_too_deep_for_someone_else_or_past_the_cap_are_dropped(make_runtime, caplog):
    outsider = {}

    def greedy(order, chain):
        line_id = sorted(order.lines, key=lambda x: x.id)[0].id
        return [
            CommissionLine(chain[0], 2, line_id, 100, "level 2 while levels = 1"),
            CommissionLine(chain[0], 3, line_id, 100, "level 3: team bonus"),
            CommissionLine(outsider["id"], 1, line_id, 100, "not in the chain"),
            CommissionLine(chain[0], 1, line_id, 1_900, "tops up to exactly 29%"),
            CommissionLine(chain[0], 1, line_id, 200, "past the 30% cap"),
            CommissionLine(chain[0], 1, line_id, 100, "reaches exactly 30%"),
            CommissionLine(chain[0], 1, line_id, 0, "zero"),
            CommissionLine(chain[0], 1, line_id, 1.5, "fractional fen"),
            CommissionLine(chain[0], 1, 999_999, 100, "a line of another order"),
            "not a line at all",
        ]

    runtime = await with_proposer(make_runtime, greedy, rates=[10])
    try:
        shop = await main_shop()
        outsider["id"] = await customer()
        buyer, chain = await referred_buyer(runtime, shop)
        order = await place_order(runtime, shop, buyer, [(10_000, 1)])
        with caplog.at_level(logging.WARNING):
            await pay(runtime, order)
        got = sorted(c.amount for c in await commissions(shop, order.id))
        assert got == [100, 1_000, 1_900]  # 3000 = 30% of 10000, never more
        plan = await plan_of(shop, order.id)
        assert len(plan.dropped) == 8
        reasons = " | ".join(d["reason"] for d in plan.dropped)
        for expected in ("deeper than", "not level 1", "past the cap", "positive whole number"):
            assert expected in reasons
    finally:
        await runtime.stop()


async def test_self_purchase_pays_only_when_enabled(make_dist):
    runtime = await make_dist(rates=[10])
    shop = await main_shop()
    me = await active_distributor(shop)
    order = await place_order(runtime, shop, me.customer_id, [(10_000, 1)])
    assert order.referral_chain == []
    await pay(runtime, order)
    assert await commissions(shop, order.id) == []
    assert (await plan_of(shop, order.id)).status == "no_chain"
    selfish = await make_dist(rates=[10], self_purchase=True)
    order = await place_order(selfish, shop, me.customer_id, [(10_000, 1)])
    await pay(selfish, order)
    assert [(c.beneficiary_id, c.amount) for c in await commissions(shop, order.id)] == [
        (me.customer_id, 1_000)
    ]


async def test_a_self_purchase_line_is_dropped_when_the_setting_was_turned_off_since(make_dist):
    selfish = await make_dist(rates=[10], self_purchase=True)
    shop = await main_shop()
    me = await active_distributor(shop)
    order = await place_order(selfish, shop, me.customer_id, [(10_000, 1)])
    assert order.referral_chain == [me.customer_id]
    strict = await make_dist(rates=[10])
    await pay(strict, order)
    assert await commissions(shop, order.id) == []
    assert "own purchase" in (await plan_of(shop, order.id)).dropped[0]["reason"]


async def test_a_vetoed_plan_pays_nothing_and_records_why(make_runtime):
    seen = {}

    def veto(order, plan):
        seen["plan"] = plan
        return "风控: suspicious order"

    module = types.ModuleType("riskcheck")
    module.shequ_validate_commission_plan = hookimpl(veto)
    data = plugins()
    data["plugins"]["enabled"].append("riskcheck")
    runtime = make_runtime(data, extra_plugins={"riskcheck": module})
    async with runtime.running(run_jobs=False):
        shop = await main_shop()
        buyer, _ = await referred_buyer(runtime, shop)
        order = await place_order(runtime, shop, buyer)
        await pay(runtime, order)
        assert [line.amount for line in seen["plan"]] == [1_000]
        assert await commissions(shop, order.id) == []
        plan = await plan_of(shop, order.id)
        assert (plan.status, plan.reason) == ("vetoed", "riskcheck: 风控: suspicious order")
        with shop_scope(shop):
            assert await LedgerEntry.all().count() == 0


async def test_the_plan_is_built_once_however_often_the_event_arrives(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    buyer, _ = await referred_buyer(runtime, shop)
    order = await place_order(runtime, shop, buyer)
    await pay(runtime, order)
    for _ in range(3):
        await runtime.hooks.notify("shequ_order_paid", order_id=order.id, shop_id=shop)
        await engine.on_order_paid(runtime, shop, order.id)
    await drain(runtime)
    assert len(await commissions(shop, order.id)) == 1
    with shop_scope(shop):
        assert await LedgerEntry.all().count() == 1


async def test_nothing_is_planned_for_an_unpaid_order(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    buyer, _ = await referred_buyer(runtime, shop)
    order = await place_order(runtime, shop, buyer)
    assert await engine.on_order_paid(runtime, shop, order.id) is None
    assert await plan_of(shop, order.id) is None
    assert await commissions(shop, order.id) == []


async def test_distribution_disabled_means_no_commission(make_dist, runtime):
    shop = await main_shop()
    referrer = await active_distributor(shop)
    buyer = await customer()
    on = await make_dist()
    await bind_by_code(on, buyer, referrer.code)
    order = await place_order(on, shop, buyer)
    await pay(runtime, order, deliver=False)  # the plain runtime has no observers
    plan = await engine.on_order_paid(runtime, shop, order.id)
    assert plan.status == "disabled"
    assert await commissions(shop, order.id) == []


async def test_odd_values_from_a_plugin_never_break_the_plan(make_runtime):
    def odd(order, chain):
        line_id = sorted(order.lines, key=lambda x: x.id)[0].id
        return [
            CommissionLine(chain[0], 1, line_id, 50, None),  # no rule: dropped
            CommissionLine(chain[0], 1, line_id, 60, "bonus", rate_percent=float("nan")),
            CommissionLine(chain[0], 1, line_id, 70, "bonus", rate_percent=1e12),
        ]

    runtime = await with_proposer(make_runtime, odd, rates=[10])
    try:
        shop = await main_shop()
        buyer, _ = await referred_buyer(runtime, shop)
        order = await place_order(runtime, shop, buyer, [(10_000, 1)])
        await pay(runtime, order)
        got = [(c.plugin, c.amount, c.rate_percent) for c in await commissions(shop, order.id)]
        assert sorted(got, key=lambda x: x[1]) == [
            ("proposer", 60, None),
            ("proposer", 70, None),
            ("distribution", 1_000, Decimal("10")),
        ]
        assert "rule as text" in (await plan_of(shop, order.id)).dropped[0]["reason"]
    finally:
        await runtime.stop()
