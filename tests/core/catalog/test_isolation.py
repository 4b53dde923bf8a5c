"""Shop A never sees or changes shop B's catalog, through any listing or service function."""

from __future__ import annotations

import pytest

from shequ.core.catalog import listing, products, stock
from shequ.core.catalog.errors import CatalogError, NotFound
from shequ.core.catalog.models import Category, Product, ProductImage, Sku
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, ShopScopeError, shop_scope
from tests.core.catalog.builders import png_bytes, published, simple


@pytest.fixture
async def two_shops(runtime, main_shop):
    a = main_shop
    b = await Shop.create(slug="b", name="B")
    cat_a = await products.create_category(runtime, a.id, "茶叶", slug="tea")
    cat_b = await products.create_category(runtime, b.id, "茶叶", slug="tea")
    tea_a = await published(runtime, a.id, simple("A 绿茶", "TEA", category_id=cat_a.id))
    tea_b = await published(runtime, b.id, simple("B 绿茶", "TEA", category_id=cat_b.id))
    img_b = await products.add_image(runtime, tea_b, png_bytes(), "b.png", "image/png")
    return {"a": a, "b": b, "cat_b": cat_b, "tea_a": tea_a, "tea_b": tea_b, "img_b": img_b}


async def snapshot() -> list:
    with shop_scope(ALL_SHOPS):
        return [
            await Product.all().values_list("id", "title", "status", "cover_url"),
            await Sku.all().values_list("id", "code", "price", "stock", "active"),
            await ProductImage.all().values_list("id", "storage_key"),
            await Category.all().values_list("id", "name"),
        ]


async def test_listings_for_shop_a_show_only_shop_a(runtime, two_shops):
    a, tea_b = two_shops["a"], two_shops["tea_b"]
    page = await listing.list_products(runtime, shop_id=a.id, q="绿茶")
    assert [item.title for item in page.items] == ["A 绿茶"] and page.total == 1
    assert [c.shop_id for c in await listing.list_categories(runtime, a.id)] == [a.id]
    with pytest.raises(NotFound):  # B's category is unknown in A's listing
        await listing.list_products(runtime, shop_id=a.id, category_id=two_shops["cat_b"].id)
    with pytest.raises(NotFound):
        await listing.product_detail(runtime, tea_b.id, shop_id=a.id)
    # Across shops (no shop given) both are there, by design.
    everything = await listing.list_products(runtime, q="绿茶")
    assert [item.title for item in everything.items] == ["A 绿茶", "B 绿茶"]


async def test_inside_shop_a_scope_nothing_widens(runtime, two_shops):
    a, b, tea_b = two_shops["a"], two_shops["b"], two_shops["tea_b"]
    with shop_scope(a.id):
        page = await listing.list_products(runtime)  # no shop given: stays in A
        assert [item.shop_id for item in page.items] == [a.id]
        with pytest.raises(NotFound):
            await listing.product_detail(runtime, tea_b.id)
        with pytest.raises(ShopScopeError):
            await listing.list_products(runtime, shop_id=b.id)
        with pytest.raises(ShopScopeError):
            await listing.list_categories(runtime, b.id)
        with pytest.raises(ShopScopeError):
            await products.create_product(runtime, b.id, simple("偷", "X"))
        with pytest.raises(ShopScopeError):
            await products.add_image(runtime, tea_b, png_bytes(), "x.png", "image/png")


async def test_seller_services_of_shop_a_cannot_touch_shop_b(runtime, two_shops):
    a, tea_b, img_b = two_shops["a"], two_shops["tea_b"], two_shops["img_b"]
    before = await snapshot()
    with pytest.raises(NotFound):
        await products.update_product(runtime, a.id, tea_b.id, simple("改", "TEA", price=1))
    with pytest.raises(NotFound):
        await products.unpublish(runtime, a.id, tea_b.id)
    with pytest.raises(NotFound):
        await products.publish(runtime, a.id, tea_b.id)
    with pytest.raises(NotFound):
        await products.remove_image(runtime, a.id, img_b.id)
    with pytest.raises(CatalogError):
        await products.create_category(runtime, a.id, "子", parent_id=two_shops["cat_b"].id)
    with pytest.raises(CatalogError):
        await products.create_product(
            runtime, a.id, simple("乌龙", "OOLONG", category_id=two_shops["cat_b"].id)
        )
    assert await snapshot() == before
    # Same SKU code "TEA" in both shops; A's stock moves leave B's alone.
    with shop_scope(a.id):
        sku_a = await Sku.get(code="TEA")
    await stock.set_stock(runtime, sku_a.id, 0)
    with shop_scope(two_shops["b"].id):
        assert (await Sku.get(code="TEA")).stock == 10
