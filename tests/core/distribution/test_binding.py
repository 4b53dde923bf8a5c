"""Binding by link, code or QR scene: modes, refusals, plugins' choices, races."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
import types

import pytest

from shequ.core import hookimpl
from shequ.core.distribution.binding import bind_by_code, bind_by_scene
from shequ.core.distribution.chain import snapshot_chain
from shequ.core.distribution.codes import scene_for
from shequ.core.distribution.models import Binding, BindingChange, Distributor, DistributorStatus
from shequ.core.shops.scope import shop_scope
from tests import dbs
from tests.core.distribution.factory import (
    active_distributor,
    customer,
    main_shop,
    new_shop,
    plugins,
)


async def bindings(shop_id: int) -> list[tuple[int, int]]:
    with shop_scope(shop_id):
        return [(b.customer_id, b.referrer_id) for b in await Binding.all()]


async def test_a_share_link_binds_the_customer_and_records_the_change(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    referrer = await active_distributor(shop)
    buyer = await customer("买家")
    result = await bind_by_code(runtime, buyer, referrer.code.lower(), source="link")
    assert (result.outcome, result.referrer_id, result.shop_id) == (
        "bound",
        referrer.customer_id,
        shop,
    )
    assert await bindings(shop) == [(buyer, referrer.customer_id)]
    with shop_scope(shop):
        change = await BindingChange.get(customer_id=buyer)
    assert (change.from_referrer_id, change.to_referrer_id) == (None, referrer.customer_id)
    assert (change.source, change.actor) == ("link", f"customer:{buyer}")


@pytest.mark.parametrize("code", ["NOSUCH99", "' OR 1=1 --", "", None, "x" * 500, 12345])
async def test_a_forged_or_unknown_code_is_ignored_and_logged(make_dist, caplog, code):
    runtime = await make_dist()
    shop = await main_shop()
    await active_distributor(shop)
    buyer = await customer()
    with caplog.at_level(logging.WARNING, logger="shequ.core.distribution.binding"):
        result = await bind_by_code(runtime, buyer, code)
    assert result.outcome == "ignored"
    assert await bindings(shop) == []
    assert "unknown or forged referral code" in caplog.text


async def test_self_binding_is_refused(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    me = await active_distributor(shop)
    result = await bind_by_code(runtime, me.customer_id, me.code)
    assert result.outcome == "refused"
    assert await bindings(shop) == []


async def test_an_inactive_distributors_code_binds_nobody(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    referrer = await active_distributor(shop)
    with shop_scope(shop):
        await Distributor.filter(id=referrer.id).update(status=DistributorStatus.SUSPENDED)
    result = await bind_by_code(runtime, await customer(), referrer.code)
    assert result.outcome == "ignored"
    assert await bindings(shop) == []


async def test_first_mode_keeps_the_first_referrer_forever(make_dist):
    runtime = await make_dist(binding="first")
    shop = await main_shop()
    first, second = await active_distributor(shop), await active_distributor(shop)
    buyer = await customer()
    assert (await bind_by_code(runtime, buyer, first.code)).outcome == "bound"
    with shop_scope(shop):  # even years later
        await Binding.filter(customer_id=buyer).update(
            bound_at=dt.datetime(2001, 1, 1, tzinfo=dt.UTC)
        )
    assert (await bind_by_code(runtime, buyer, second.code)).outcome == "kept"
    assert await bindings(shop) == [(buyer, first.customer_id)]


async def test_protected_mode_rebinds_only_after_the_protection_period(make_dist):
    runtime = await make_dist(binding="protected", protection_days=30)
    shop = await main_shop()
    first, second = await active_distributor(shop), await active_distributor(shop)
    buyer = await customer()
    await bind_by_code(runtime, buyer, first.code)
    kept = await bind_by_code(runtime, buyer, second.code)
    assert kept.outcome == "kept" and "protected until" in kept.reason
    with shop_scope(shop):
        old = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
        await Binding.filter(customer_id=buyer).update(bound_at=old)
    rebound = await bind_by_code(runtime, buyer, second.code, source="code")
    assert rebound.outcome == "rebound"
    assert await bindings(shop) == [(buyer, second.customer_id)]
    with shop_scope(shop):
        changes = await BindingChange.filter(customer_id=buyer).order_by("id")
    assert [(c.from_referrer_id, c.to_referrer_id) for c in changes] == [
        (None, first.customer_id),
        (first.customer_id, second.customer_id),
    ]
    assert changes[1].source == "code"


async def test_last_mode_follows_the_latest_link(make_dist):
    runtime = await make_dist(binding="last")
    shop = await main_shop()
    a, b = await active_distributor(shop), await active_distributor(shop)
    buyer = await customer()
    for referrer in (a, b, a):
        assert (await bind_by_code(runtime, buyer, referrer.code)).changed
    assert await bindings(shop) == [(buyer, a.customer_id)]
    assert (await bind_by_code(runtime, buyer, a.code)).outcome == "kept"


async def test_cycles_are_refused_at_any_depth(make_dist):
    runtime = await make_dist(binding="last")
    shop = await main_shop()
    a, b, c = [await active_distributor(shop) for _ in range(3)]
    await bind_by_code(runtime, b.customer_id, a.code)  # a <- b
    await bind_by_code(runtime, c.customer_id, b.code)  # a <- b <- c
    direct = await bind_by_code(runtime, a.customer_id, b.code)
    deep = await bind_by_code(runtime, a.customer_id, c.code)
    assert (direct.outcome, deep.outcome) == ("refused", "refused")
    assert "cycle" in deep.reason
    assert sorted(await bindings(shop)) == sorted(
        [(b.customer_id, a.customer_id), (c.customer_id, b.customer_id)]
    )


async def test_a_code_of_another_shop_is_ignored_there_and_shops_bind_separately(make_dist):
    runtime = await make_dist()
    shop_a, shop_b = await main_shop(), await new_shop("b")
    person = await customer("两店分销员")
    in_a = await active_distributor(shop_a, person)
    in_b = await active_distributor(shop_b, person)  # one customer distributes for two shops
    buyer = await customer()
    assert (await bind_by_code(runtime, buyer, in_a.code, shop_id=shop_b)).outcome == "ignored"
    assert (await bind_by_code(runtime, buyer, in_b.code, shop_id=shop_b)).outcome == "bound"
    assert await bindings(shop_a) == []
    assert await bindings(shop_b) == [(buyer, person)]
    assert (await bind_by_code(runtime, buyer, in_a.code)).outcome == "bound"
    assert await bindings(shop_a) == [(buyer, person)]


async def test_a_qr_scene_binds_like_a_link_and_a_bad_scene_is_ignored(make_dist, caplog):
    runtime = await make_dist()
    shop = await main_shop()
    referrer = await active_distributor(shop)
    buyer = await customer()
    with caplog.at_level(logging.WARNING):
        assert (await bind_by_scene(runtime, buyer, "qrscene_123")).outcome == "ignored"
    assert "ignored QR scene" in caplog.text
    result = await bind_by_scene(runtime, buyer, scene_for(referrer.code))
    assert result.outcome == "bound"
    with shop_scope(shop):
        assert (await Binding.get(customer_id=buyer)).source == "qr"


async def test_nothing_binds_while_distribution_is_disabled(runtime):
    shop = await main_shop()
    referrer = await active_distributor(shop)
    result = await bind_by_code(runtime, await customer(), referrer.code)
    assert result.outcome == "ignored"
    assert await bindings(shop) == []


def chooser(fn):
    module = types.ModuleType("chooser")
    module.shequ_choose_referrer = hookimpl(fn)
    return module


async def test_a_plugin_may_choose_the_referrer_and_its_choice_is_checked_again(
    make_runtime, make_settings
):
    choice = {}

    async def choose(customer_id, candidate_id, current_id):
        return choice.get("pick", lambda c, cand, cur: None)(customer_id, candidate_id, current_id)

    data = plugins(binding="last")
    data["plugins"]["enabled"].append("chooser")
    runtime = make_runtime(data, extra_plugins={"chooser": chooser(choose)})
    async with runtime.running(run_jobs=False):
        shop = await main_shop()
        a, b = await active_distributor(shop), await active_distributor(shop)
        plain = await customer()  # not a distributor
        buyer = await customer()
        await bind_by_code(runtime, buyer, a.code)
        choice["pick"] = lambda c, cand, cur: cur  # keep the current referrer
        assert (await bind_by_code(runtime, buyer, b.code)).outcome == "kept"
        choice["pick"] = lambda c, cand, cur: c  # the buyer themself
        assert (await bind_by_code(runtime, buyer, b.code)).outcome == "refused"
        choice["pick"] = lambda c, cand, cur: plain  # not a distributor
        refused = await bind_by_code(runtime, buyer, b.code)
        assert refused.outcome == "refused" and "not an active distributor" in refused.reason
        choice["pick"] = lambda c, cand, cur: "junk"  # not an id: the mode decides (last)
        assert (await bind_by_code(runtime, buyer, b.code)).outcome == "rebound"
        assert await bindings(shop) == [(buyer, b.customer_id)]


async def test_snapshot_chain_follows_levels_and_stops_at_an_inactive_referrer(make_dist):
    runtime = await make_dist(levels=2, rates=[10, 5], binding="first")
    shop = await main_shop()
    top, mid = await active_distributor(shop), await active_distributor(shop)
    buyer = await customer()
    await bind_by_code(runtime, mid.customer_id, top.code)
    await bind_by_code(runtime, buyer, mid.code)
    assert await snapshot_chain(runtime, shop, buyer) == [mid.customer_id, top.customer_id]
    assert await snapshot_chain(runtime, shop, mid.customer_id) == [top.customer_id]
    assert await snapshot_chain(runtime, shop, top.customer_id) == []
    assert await snapshot_chain(runtime, await new_shop("other"), buyer) == []
    with shop_scope(shop):
        await Distributor.filter(id=mid.id).update(status=DistributorStatus.SUSPENDED)
    # The suspended one is not paid, and its upline is not promoted into its place.
    assert await snapshot_chain(runtime, shop, buyer) == []


async def test_snapshot_chain_is_one_level_by_default_and_self_purchase_puts_the_buyer_first(
    make_dist,
):
    runtime = await make_dist(binding="first")
    shop = await main_shop()
    top, mid = await active_distributor(shop), await active_distributor(shop)
    await bind_by_code(runtime, mid.customer_id, top.code)
    assert await snapshot_chain(runtime, shop, mid.customer_id) == [top.customer_id]
    selfish = await make_dist(binding="first", self_purchase=True, levels=2, rates=[10, 5])
    assert await snapshot_chain(selfish, shop, mid.customer_id) == [
        mid.customer_id,
        top.customer_id,
    ]


@pytest.mark.skipif(not dbs.is_postgres(), reason="real concurrency needs PostgreSQL")
@pytest.mark.parametrize("mode", ["first", "protected", "last"])
async def test_a_hundred_concurrent_bindings_of_one_customer_end_in_one_binding(make_dist, mode):
    runtime = await make_dist(binding=mode)
    shop = await main_shop()
    referrers = [await active_distributor(shop) for _ in range(100)]
    buyer = await customer()
    results = await asyncio.gather(*(bind_by_code(runtime, buyer, r.code) for r in referrers))
    rows = await bindings(shop)
    assert len(rows) == 1
    with shop_scope(shop):
        changes = await BindingChange.filter(customer_id=buyer).order_by("id")
    assert [r.outcome for r in results].count("bound") == 1
    if mode == "last":  # every link rebinds, one after the other, never two at once
        assert len(changes) == 100
        assert changes[-1].to_referrer_id == rows[0][1]
        assert all(changes[i].to_referrer_id == changes[i + 1].from_referrer_id for i in range(99))
    else:
        assert len(changes) == 1 and changes[0].to_referrer_id == rows[0][1]


@pytest.mark.skipif(not dbs.is_postgres(), reason="real concurrency needs PostgreSQL")
async def test_concurrent_opposite_bindings_cannot_close_a_cycle(make_dist):
    runtime = await make_dist(binding="last")
    shop = await main_shop()
    for _ in range(20):
        a, b = await active_distributor(shop), await active_distributor(shop)
        await asyncio.gather(
            bind_by_code(runtime, a.customer_id, b.code),
            bind_by_code(runtime, b.customer_id, a.code),
        )
        with shop_scope(shop):
            edges = await Binding.filter(customer_id__in=[a.customer_id, b.customer_id]).count()
        assert edges == 1


async def test_the_cycle_check_walks_any_depth_and_ends_even_on_a_damaged_graph(make_dist):
    runtime = await make_dist(binding="last")
    shop = await main_shop()
    people = [await active_distributor(shop) for _ in range(30)]
    for upper, lower in itertools.pairwise(people):  # people[0] <- people[1] <- ... <- [29]
        assert (await bind_by_code(runtime, lower.customer_id, upper.code)).outcome == "bound"
    refused = await bind_by_code(runtime, people[0].customer_id, people[-1].code)
    assert (refused.outcome, refused.reason) == ("refused", "the binding would make a cycle")
    with shop_scope(shop):  # a cycle written behind the engine's back (e.g. by hand in SQL)
        await Binding.create(
            customer_id=people[0].customer_id,
            referrer_id=people[-1].customer_id,
            source="staff",
            bound_at=dt.datetime.now(dt.UTC),
        )
    newcomer = await active_distributor(shop)
    result = await bind_by_code(runtime, newcomer.customer_id, people[5].code)
    assert result.outcome == "bound"  # the walk terminated and found no path to the newcomer
    # Chains stay bounded by the levels even on a cycle.
    assert await snapshot_chain(runtime, shop, people[0].customer_id) == [people[-1].customer_id]
