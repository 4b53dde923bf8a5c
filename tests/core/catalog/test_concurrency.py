"""Concurrency: stock is taken by one conditional UPDATE, so buyers can never oversell;
SKU codes and product edits hold under racing writers.

Runs on SQLite and, with SHEQU_TEST_DATABASE_URL, on PostgreSQL, where the 30 transactions
really overlap on separate connections.
"""

from __future__ import annotations

import asyncio

import pytest
from tortoise.transactions import in_transaction

from shequ.core.catalog import products, stock
from shequ.core.catalog.errors import CatalogError
from shequ.core.catalog.models import Product, Sku
from shequ.core.jobs.models import Job
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import shop_scope
from tests.core.catalog.builders import drain, dress, enabled, plugin, simple


async def test_thirty_concurrent_buyers_take_exactly_ten(make_runtime):
    out_events = []

    def out(sku_id):
        out_events.append(sku_id)

    runtime = make_runtime(
        enabled("outwatch"), extra_plugins={"outwatch": plugin("outwatch", shequ_out_of_stock=out)}
    )
    async with runtime.running(run_jobs=False):
        shop = await Shop.get(slug="main")
        product = await products.create_product(runtime, shop.id, simple("秒杀", "FLASH", stock=10))
        with shop_scope(shop.id):
            sku = await Sku.get(product_id=product.id)
        started = asyncio.Event()

        async def buyer() -> bool:
            await started.wait()  # all 30 start together
            async with in_transaction():
                return await stock.take_stock(runtime, sku.id, 1)

        tasks = [asyncio.ensure_future(buyer()) for _ in range(30)]
        started.set()
        results = await asyncio.gather(*tasks)
        assert results.count(True) == 10
        assert results.count(False) == 20
        with shop_scope(shop.id):
            assert (await Sku.get(id=sku.id)).stock == 0
        # One out-of-stock announcement, written only by the buyer who took the last one.
        hooks = [job.payload["hook"] for job in await Job.all()]
        assert hooks.count("shequ_out_of_stock") == 1
        await drain(runtime)
        assert out_events == [sku.id]


async def test_a_rolled_back_order_gives_the_stock_back(runtime, main_shop):
    product = await products.create_product(runtime, main_shop.id, simple("茶", "TEA", stock=3))
    with shop_scope(main_shop.id):
        sku = await Sku.get(product_id=product.id)
    with pytest.raises(RuntimeError):
        async with in_transaction():
            assert await stock.take_stock(runtime, sku.id, 3)
            raise RuntimeError("payment failed")
    with shop_scope(main_shop.id):
        assert (await Sku.get(id=sku.id)).stock == 3


async def test_inactive_or_short_skus_are_not_taken(runtime, main_shop):
    data = simple("茶", "TEA", stock=3)
    data["skus"][0]["active"] = False
    product = await products.create_product(runtime, main_shop.id, data)
    with shop_scope(main_shop.id):
        sku = await Sku.get(product_id=product.id)
    assert not await stock.take_stock(runtime, sku.id, 1)
    with shop_scope(main_shop.id):
        await Sku.filter(id=sku.id).update(active=True)
    assert not await stock.take_stock(runtime, sku.id, 4)
    assert await stock.take_stock(runtime, sku.id, 3)
    with pytest.raises(ValueError):
        await stock.take_stock(runtime, sku.id, 0)


async def test_racing_creates_with_one_sku_code_let_one_win(runtime, main_shop):
    async def create(title: str):
        return await products.create_product(runtime, main_shop.id, simple(title, "SAME"))

    results = await asyncio.gather(*(create(f"商品{n}") for n in range(6)), return_exceptions=True)
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 1
    assert all(isinstance(e, CatalogError) and "already used" in e.message for e in lost)
    with shop_scope(main_shop.id):
        assert await Product.all().count() == 1
        assert await Sku.filter(code="SAME").count() == 1


async def test_concurrent_edits_of_one_product_apply_in_turn(runtime, main_shop):
    """Each edit adds the same new SKU code: edits that read the SKUs before another commits
    would both insert it and one would fail. Locking the product makes them take turns."""
    product = await products.create_product(runtime, main_shop.id, simple("茶", "TEA"))

    async def edit(n: int):
        data = dress(title="茶", subtitle=f"edit {n}")
        data["skus"] = data["skus"][:2]
        data["skus"][0].update(code="TEA", price=1000 + n)
        data["skus"][1].update(code="NEW", price=1000 + n)
        await products.update_product(runtime, main_shop.id, product.id, data)

    results = await asyncio.gather(*(edit(n) for n in range(8)), return_exceptions=True)
    assert [r for r in results if r is not None] == []
    with shop_scope(main_shop.id):
        stored = await Product.get(id=product.id)
        rows = await Sku.filter(product_id=product.id).values_list("code", "price")
    # Whichever edit came last, the cached fields and the SKUs come from that one.
    winner = 1000 + int(stored.subtitle.split()[-1])
    assert sorted(rows) == [("NEW", winner), ("TEA", winner)]
    assert stored.min_price == stored.max_price == winner
