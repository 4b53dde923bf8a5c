"""Buyer-side listing: what is shown, search (Chinese and mixed case), sorting, paging."""

from __future__ import annotations

import pytest

from shequ.core.catalog import listing, products
from shequ.core.catalog.errors import CatalogError, NotFound
from shequ.core.catalog.models import Product
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import shop_scope
from tests.core.catalog.builders import dress, published, simple


def titles(page) -> list[str]:
    return [item.title for item in page.items]


async def test_only_published_products_of_active_shops(runtime, main_shop):
    await published(runtime, main_shop.id, simple("上架", "ON"))
    await products.create_product(runtime, main_shop.id, simple("草稿", "DRAFT"))
    suspended = await Shop.create(slug="closed", name="Closed", status="suspended")
    await published(runtime, suspended.id, simple("停业", "GONE"))
    page = await listing.list_products(runtime)
    assert titles(page) == ["上架"] and page.total == 1
    with pytest.raises(NotFound):
        await listing.list_products(runtime, shop_id=suspended.id)


@pytest.mark.parametrize(
    "q,expected",
    [
        ("连衣裙", ["夏季连衣裙"]),
        ("  夏季 ", ["夏季连衣裙"]),
        ("cotton", ["夏季连衣裙"]),
        ("COTTON summer", ["夏季连衣裙"]),
        ("iPhone", ["iPhone 手机壳"]),
        ("IPHONE 手机", ["iPhone 手机壳"]),
        ("蓝", ["夏季连衣裙"]),  # a spec value
        ("100%", ["100% 纯棉 T恤"]),  # LIKE wildcards are literal
        ("_", []),
        ("裤子", []),
    ],
)
async def test_search_is_a_case_insensitive_substring(runtime, main_shop, q, expected):
    await published(runtime, main_shop.id, dress())
    await published(runtime, main_shop.id, simple("iPhone 手机壳", "CASE", subtitle="Slim"))
    await published(runtime, main_shop.id, simple("100% 纯棉 T恤", "TEE"))
    assert titles(await listing.list_products(runtime, q=q)) == expected


async def seed_sortable(runtime, shop_id: int) -> dict[str, int]:
    ids = {}
    # (title, price, sales, sort): prices and sales tie on purpose.
    rows = [
        ("A", 300, 5, 2),
        ("B", 100, 9, 1),
        ("C", 300, 9, 1),
        ("D", 200, 0, 0),
        ("E", 100, 5, 3),
    ]
    for title, price, sales, sort in rows:
        product = await published(runtime, shop_id, simple(title, f"S-{title}", price, sort=sort))
        with shop_scope(shop_id):
            await Product.filter(id=product.id).update(sales_count=sales)
        ids[title] = product.id
    return ids


@pytest.mark.parametrize(
    "sort,expected",
    [
        ("default", ["D", "B", "C", "A", "E"]),
        ("price_asc", ["B", "E", "D", "A", "C"]),
        ("price_desc", ["A", "C", "D", "B", "E"]),
        ("newest", ["E", "D", "C", "B", "A"]),
        ("sales", ["B", "C", "A", "E", "D"]),
    ],
)
async def test_sorting_is_total_and_pages_are_stable(runtime, main_shop, sort, expected):
    await seed_sortable(runtime, main_shop.id)
    whole = await listing.list_products(runtime, sort=sort)
    assert titles(whole) == expected
    paged = []
    for page in (1, 2, 3):
        result = await listing.list_products(runtime, sort=sort, page=page, per_page=2)
        assert (result.total, result.pages, result.page) == (5, 3, page)
        paged += titles(result)
    assert paged == expected
    beyond = await listing.list_products(runtime, sort=sort, page=4, per_page=2)
    assert beyond.items == [] and beyond.total == 5


async def test_category_includes_children(runtime, main_shop):
    women = await products.create_category(runtime, main_shop.id, "女装", slug="women")
    dresses = await products.create_category(
        runtime, main_shop.id, "连衣裙", slug="dresses", parent_id=women.id
    )
    long_ = await products.create_category(
        runtime, main_shop.id, "长裙", slug="long", parent_id=dresses.id
    )
    men = await products.create_category(runtime, main_shop.id, "男装", slug="men")
    await published(runtime, main_shop.id, simple("外套", "COAT", category_id=women.id))
    await published(runtime, main_shop.id, simple("短裙", "SHORT", category_id=dresses.id))
    await published(runtime, main_shop.id, simple("长裙", "LONG", category_id=long_.id))
    await published(runtime, main_shop.id, simple("衬衫", "SHIRT", category_id=men.id))
    await published(runtime, main_shop.id, simple("杂货", "MISC"))
    assert titles(await listing.list_products(runtime, category_id=women.id)) == [
        "外套",
        "短裙",
        "长裙",
    ]
    assert titles(await listing.list_products(runtime, category_id=dresses.id)) == ["短裙", "长裙"]
    assert titles(await listing.list_products(runtime, category_id=men.id)) == ["衬衫"]
    with pytest.raises(NotFound):
        await listing.list_products(runtime, category_id=999_999)


async def test_featured_filter(runtime, main_shop):
    await published(runtime, main_shop.id, simple("推荐", "HOT", featured=True))
    await published(runtime, main_shop.id, simple("普通", "PLAIN"))
    assert titles(await listing.list_products(runtime, featured=True)) == ["推荐"]
    assert titles(await listing.list_products(runtime, featured=False)) == ["普通"]


@pytest.mark.parametrize(
    "kwargs,field",
    [({"sort": "random"}, "sort"), ({"page": 0}, "page"), ({"per_page": 0}, "per_page")],
)
async def test_bad_listing_arguments(runtime, kwargs, field):
    with pytest.raises(CatalogError) as caught:
        await listing.list_products(runtime, **kwargs)
    assert caught.value.field == field


async def test_detail_shows_active_skus_category_and_shop(runtime, main_shop):
    category = await products.create_category(runtime, main_shop.id, "女装", slug="women")
    data = dress(category_id=category.id)
    data["skus"][3]["active"] = False
    product = await published(runtime, main_shop.id, data)
    detail = await listing.product_detail(runtime, product.id)
    assert [s.specs for s in detail.skus] == [
        {"颜色": "红", "尺码": "M"},
        {"颜色": "红", "尺码": "L"},
        {"颜色": "蓝", "尺码": "M"},
    ]
    assert detail.category.slug == "women"
    assert detail.shop.slug == "main"
    assert detail.spec_attributes[1].values == ["M", "L"]
    assert (detail.min_price, detail.max_price) == (9900, 10900)
    assert detail.description_html == "<p>好看</p>"
    await products.unpublish(runtime, main_shop.id, product.id)
    with pytest.raises(NotFound):
        await listing.product_detail(runtime, product.id)


async def test_detail_hides_a_suspended_shops_product(runtime):
    shop = await Shop.create(slug="later", name="Later")
    product = await published(runtime, shop.id, simple("茶", "TEA"))
    assert (await listing.product_detail(runtime, product.id)).title == "茶"
    await Shop.filter(id=shop.id).update(status="suspended")
    with pytest.raises(NotFound):
        await listing.product_detail(runtime, product.id)
    assert [s.slug for s in await listing.list_shops(runtime)] == ["main"]
    with pytest.raises(NotFound):
        await listing.shop_by_slug(runtime, "later")


async def test_listing_does_not_depend_on_which_models_were_imported(runtime, main_shop):
    # tortoise shares the inherited ``shop`` field object between ShopScopedModel subclasses,
    # so it may point at a model this runtime never initialised (here a test plugin's).
    import tests.plugins.fullplugin.models  # noqa: F401

    product = await published(runtime, main_shop.id, simple("茶", "TEA"))
    assert titles(await listing.list_products(runtime, shop_id=main_shop.id)) == ["茶"]
    assert (await listing.product_detail(runtime, product.id)).title == "茶"
