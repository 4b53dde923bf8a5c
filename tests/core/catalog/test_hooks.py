"""The catalog's hooks are called, and what plugins return is honoured."""

from __future__ import annotations

import pytest
from tortoise.expressions import Q

from shequ.core.catalog import listing, products, stock
from shequ.core.catalog.models import Sku
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import shop_scope
from tests.core.catalog.builders import drain, enabled, plugin, published, simple


async def test_product_filters_dicts_and_q_are_and_combined(make_runtime):
    seen = []

    def only_cheap(shop_id, params):
        seen.append((shop_id, params))
        return {"min_price__lte": 2000}

    def no_tea(params):
        if params.get("no_tea") == "1":
            return ~Q(title__contains="茶")
        return None

    extra = {"cheap": plugin("cheap", shequ_product_filters=only_cheap)}
    extra["no_tea"] = plugin("no_tea", shequ_product_filters=no_tea)
    runtime = make_runtime(enabled("cheap", "no_tea"), extra_plugins=extra)
    async with runtime.running(run_jobs=False):
        shop = await Shop.get(slug="main")
        for title, code, price in [
            ("绿茶", "TEA", 1500),
            ("杯子", "CUP", 1800),
            ("壶", "POT", 9000),
        ]:
            await published(runtime, shop.id, simple(title, code, price))
        page = await listing.list_products(runtime, shop_id=shop.id)
        assert [item.title for item in page.items] == ["绿茶", "杯子"]
        assert seen[-1][0] == shop.id
        assert seen[-1][1]["shop"] == str(shop.id)
        page = await listing.list_products(runtime, params={"no_tea": "1"})
        assert [item.title for item in page.items] == ["杯子"] and page.total == 1
        assert seen[-1] == (None, {"no_tea": "1"})


async def test_a_filter_of_the_wrong_type_names_its_plugin(make_runtime):
    extra = {"broken": plugin("broken", shequ_product_filters=lambda: "price < 10")}
    runtime = make_runtime(enabled("broken"), extra_plugins=extra)
    async with runtime.running(run_jobs=False):
        with pytest.raises(TypeError, match="broken"):
            await listing.list_products(runtime)


async def test_product_extras_are_merged_in_listing_and_detail(make_runtime):
    def group_buy(product):
        return {"badges": ["拼团"], "label": "group", "group_size": 3}

    async def new_arrival(product):
        return {"badges": [f"新品 {product.title}"], "label": "new"}

    extra = {
        "group_buy_x": plugin("group_buy_x", shequ_product_extras=group_buy),
        "new_x": plugin("new_x", shequ_product_extras=new_arrival),
    }
    runtime = make_runtime(enabled("group_buy_x", "new_x"), extra_plugins=extra)
    async with runtime.running(run_jobs=False):
        shop = await Shop.get(slug="main")
        product = await published(runtime, shop.id, simple("茶", "TEA"))
        [item] = (await listing.list_products(runtime)).items
        detail = await listing.product_detail(runtime, product.id)
    # pluggy calls the last registered first: new_x, then group_buy_x.
    expected = {"badges": ["新品 茶", "拼团"], "label": "group", "group_size": 3}
    assert item.extras == expected
    assert detail.extras == expected


async def test_product_saved_is_observed_after_commit(make_runtime):
    saved = []

    async def on_saved(product_id, shop_id, created):
        saved.append((product_id, shop_id, created))

    extra = {"watch": plugin("watch", shequ_product_saved=on_saved)}
    runtime = make_runtime(enabled("watch"), extra_plugins=extra)
    async with runtime.running(run_jobs=False):
        shop = await Shop.get(slug="main")
        product = await products.create_product(runtime, shop.id, simple("茶", "TEA"))
        assert saved == []  # observers run from the outbox, not inline
        await drain(runtime)
        assert saved == [(product.id, shop.id, True)]
        await products.publish(runtime, shop.id, product.id)
        await products.update_product(runtime, shop.id, product.id, simple("红茶", "TEA"))
        await drain(runtime)
        assert saved[1:] == [(product.id, shop.id, False), (product.id, shop.id, False)]


async def test_stock_hooks_fire_on_every_path(make_runtime):
    events = []

    def changed(sku_id, old_stock, new_stock):
        events.append(("changed", sku_id, old_stock, new_stock))

    def out(sku_id, shop_id):
        events.append(("out", sku_id))

    def back(sku_id, stock):
        events.append(("back", sku_id, stock))

    module = plugin(
        "stockwatch",
        shequ_stock_changed=changed,
        shequ_out_of_stock=out,
        shequ_back_in_stock=back,
    )
    runtime = make_runtime(enabled("stockwatch"), extra_plugins={"stockwatch": module})
    async with runtime.running(run_jobs=False):
        shop = await Shop.get(slug="main")
        product = await products.create_product(runtime, shop.id, simple("茶", "TEA", stock=2))
        with shop_scope(shop.id):
            sku = await Sku.get(product_id=product.id)
        assert await stock.take_stock(runtime, sku.id, 2)
        assert not await stock.take_stock(runtime, sku.id, 1)  # refused: nothing announced
        await stock.return_stock(runtime, sku.id, 1)
        # The seller edits the product: a new level goes through set_stock.
        await products.update_product(runtime, shop.id, product.id, simple("茶", "TEA", stock=0))
        await products.update_product(runtime, shop.id, product.id, simple("茶", "TEA", stock=0))
        await products.update_product(runtime, shop.id, product.id, simple("茶", "TEA", stock=7))
        await drain(runtime)
    assert events == [
        ("changed", sku.id, 2, 0),
        ("out", sku.id),
        ("changed", sku.id, 0, 1),
        ("back", sku.id, 1),
        ("changed", sku.id, 1, 0),
        ("out", sku.id),
        ("changed", sku.id, 0, 7),
        ("back", sku.id, 7),
    ]
