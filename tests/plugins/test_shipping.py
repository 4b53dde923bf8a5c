"""The built-in shipping plugin: a flat fee per shop's order, free above a subtotal, with
per-shop overrides and strictly validated settings."""

from __future__ import annotations

import pytest

from shequ.core.checkout.pricing import DraftLine, OrderDraft, price_draft
from shequ.core.config import ConfigError
from shequ.core.orders.models import OrderAdjustment
from shequ.core.runtime import Runtime
from shequ.core.shops.scope import shop_scope
from tests.core.orders.commerce import make_customer, make_shop, make_sku, place


def shipping(**table):
    return {"plugins": {"enabled": ["shipping"], "shipping": table}}


def draft(shop_id: int, subtotal: int) -> OrderDraft:
    line = DraftLine(sku_id=1, product_id=1, title="t", specs={}, unit_price=subtotal, quantity=1)
    return OrderDraft(shop_id=shop_id, customer_id=None, currency="CNY", lines=[line])


async def fee(runtime: Runtime, shop_id: int, subtotal: int) -> list[tuple[str, str, int, str]]:
    priced = await price_draft(runtime, draft(shop_id, subtotal))
    return [(a.code, a.label, a.amount, a.plugin) for a in priced.adjustments]


async def test_flat_fee_below_the_threshold_and_free_from_it(make_runtime):
    runtime = make_runtime(shipping())
    async with runtime.running(run_jobs=False):
        shop = await make_shop()
        assert await fee(runtime, shop.id, 9899) == [("shipping", "运费", 1000, "shipping")]
        assert await fee(runtime, shop.id, 9900) == []
        assert await fee(runtime, shop.id, 50000) == []


async def test_deployment_settings_and_never_free(make_runtime):
    runtime = make_runtime(shipping(flat_fee=600, free_above=None))
    async with runtime.running(run_jobs=False):
        shop = await make_shop()
        assert await fee(runtime, shop.id, 10**6) == [("shipping", "运费", 600, "shipping")]


async def test_zero_fee_adds_nothing(make_runtime):
    runtime = make_runtime(shipping(flat_fee=0))
    async with runtime.running(run_jobs=False):
        assert await fee(runtime, (await make_shop()).id, 100) == []


async def test_each_shop_may_override(make_runtime):
    runtime = make_runtime(shipping())
    async with runtime.running(run_jobs=False):
        plain, remote = await make_shop(), await make_shop()
        await runtime.plugin_settings.set_for_shop(
            "shipping", remote.id, {"flat_fee": 2500, "free_above": 20000}, actor="staff:1"
        )
        assert await fee(runtime, plain.id, 12000) == []
        assert await fee(runtime, remote.id, 12000) == [("shipping", "运费", 2500, "shipping")]
        assert await fee(runtime, remote.id, 20000) == []


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"flat_fee": -1}, "flat_fee"),
        ({"flat_fee": 9.5}, "flat_fee"),
        ({"flat_fee": "1000"}, "flat_fee"),
        ({"free_above": -100}, "free_above"),
        ({"free_over": 9900}, "free_over"),
    ],
)
def test_bad_settings_are_refused_naming_the_key(make_settings, table, key):
    with pytest.raises(ConfigError, match=rf"plugins\.shipping\.{key}"):
        Runtime(make_settings(shipping(**table)))


async def test_shop_overrides_are_validated_too(make_runtime):
    runtime = make_runtime(shipping())
    async with runtime.running(run_jobs=False):
        shop = await make_shop()
        with pytest.raises(ConfigError, match="flat_fee"):
            await runtime.plugin_settings.set_for_shop(
                "shipping", shop.id, {"flat_fee": -5}, actor="staff:1"
            )


async def test_the_fee_is_recorded_on_the_order(make_runtime):
    runtime = make_runtime(shipping())
    async with runtime.running(run_jobs=False):
        shop = await make_shop()
        placed = await place(runtime, await make_customer(), (await make_sku(shop, price=3000), 1))
        (order,) = placed.orders
        assert (order.subtotal, order.adjustments_total, order.total) == (3000, 1000, 4000)
        with shop_scope(shop.id):
            (adjustment,) = await OrderAdjustment.filter(order_id=order.id)
        assert (adjustment.plugin, adjustment.code, adjustment.label, adjustment.line_id) == (
            "shipping",
            "shipping",
            "运费",
            None,
        )
