"""Seller-side product service: validation, cached fields, SKU updates, publishing."""

from __future__ import annotations

import copy

import pytest

from shequ.core.catalog import products
from shequ.core.catalog.errors import CatalogError, NotFound
from shequ.core.catalog.models import Category, Product, ProductStatus, Sku
from shequ.core.jobs.models import Job
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.catalog.builders import dress, enabled, plugin, simple, sku


async def counts() -> tuple[int, int, int, int]:
    with shop_scope(ALL_SHOPS):
        return (
            await Product.all().count(),
            await Sku.all().count(),
            await Category.all().count(),
            await Job.all().count(),
        )


def _set(data, path, value):
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _delete(data, path):
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


BAD_INPUTS = [
    # (description, change, expected field, message fragment)
    ("empty title", lambda d: _set(d, ["title"], "   "), "title", "at least 1"),
    ("title too long", lambda d: _set(d, ["title"], "长" * 121), "title", "at most 120"),
    ("no SKUs", lambda d: _set(d, ["skus"], []), "skus", "at least 1"),
    (
        "negative price",
        lambda d: _set(d, ["skus", 0, "price"], -1),
        "skus.0.price",
        "greater than or equal to 0",
    ),
    ("float price", lambda d: _set(d, ["skus", 0, "price"], 99.5), "skus.0.price", "integer"),
    ("price as text", lambda d: _set(d, ["skus", 0, "price"], "99"), "skus.0.price", "integer"),
    (
        "compare_at below price",
        lambda d: _set(d, ["skus", 1, "compare_at_price"], 100),
        "skus.1.compare_at_price",
        "at least the price",
    ),
    (
        "negative stock",
        lambda d: _set(d, ["skus", 2, "stock"], -3),
        "skus.2.stock",
        "greater than or equal to 0",
    ),
    ("bad code", lambda d: _set(d, ["skus", 0, "code"], "a b"), "skus.0.code", "pattern"),
    ("unknown key", lambda d: _set(d, ["colour"], "red"), "colour", "Extra inputs"),
    (
        "duplicate attribute values",
        lambda d: _set(d, ["spec_attributes", 0, "values"], ["红", "红"]),
        "spec_attributes.0.values",
        "distinct",
    ),
    (
        "duplicate attribute names",
        lambda d: _set(d, ["spec_attributes", 1, "name"], "颜色"),
        "spec_attributes.1.name",
        "listed twice",
    ),
    (
        "missing spec",
        lambda d: _delete(d, ["skus", 3, "specs", "尺码"]),
        "skus.3.specs",
        "no value for '尺码'",
    ),
    (
        "extra spec",
        lambda d: _set(d, ["skus", 0, "specs", "材质"], "棉"),
        "skus.0.specs",
        "not a spec attribute",
    ),
    (
        "value outside the list",
        lambda d: _set(d, ["skus", 2, "specs", "颜色"], "绿"),
        "skus.2.specs",
        "not a value of '颜色'",
    ),
    (
        "duplicate combination",
        lambda d: _set(d, ["skus", 1, "specs"], {"颜色": "红", "尺码": "M"}),
        "skus.1.specs",
        "same specs",
    ),
    (
        "duplicate code in the input",
        lambda d: _set(d, ["skus", 1, "code"], d["skus"][0]["code"]),
        "skus.1.code",
        "used twice",
    ),
    ("unknown category", lambda d: _set(d, ["category_id"], 999_999), "category_id", "999999"),
]


@pytest.mark.parametrize(
    "change,field,fragment", [b[1:] for b in BAD_INPUTS], ids=[b[0] for b in BAD_INPUTS]
)
async def test_bad_input_is_refused_with_its_field_and_writes_nothing(
    runtime, main_shop, change, field, fragment
):
    data = copy.deepcopy(dress())
    change(data)
    before = await counts()
    with pytest.raises(CatalogError) as caught:
        await products.create_product(runtime, main_shop.id, data)
    assert caught.value.field == field
    assert fragment in str(caught.value)
    assert await counts() == before


async def test_sku_code_used_by_another_product_is_refused(runtime, main_shop):
    first = await products.create_product(runtime, main_shop.id, simple("T恤", "TEE-1"))
    before = await counts()
    with pytest.raises(CatalogError) as caught:
        hat = dress(title="帽子")
        hat["skus"][1]["code"] = "TEE-1"
        await products.create_product(runtime, main_shop.id, hat)
    assert caught.value.field == "skus.1.code"
    assert "already used" in caught.value.message
    assert await counts() == before
    # The same code in another shop is fine: codes are unique per shop.
    other = await Shop.create(slug="other", name="Other")
    copy_ = await products.create_product(runtime, other.id, simple("T恤", "TEE-1"))
    assert copy_.shop_id == other.id != first.shop_id


async def test_category_of_another_shop_is_refused(runtime, main_shop):
    other = await Shop.create(slug="other", name="Other")
    foreign = await products.create_category(runtime, other.id, "女装")
    with pytest.raises(CatalogError) as caught:
        await products.create_product(
            runtime, main_shop.id, simple("裙子", "S-1", category_id=foreign.id)
        )
    assert caught.value.field == "category_id"


async def test_create_keeps_cached_fields_and_sanitises(runtime, main_shop):
    data = dress(description='<p onclick="steal()">好看<script>alert(1)</script></p>')
    data["skus"][3]["active"] = False  # the dearest SKU (12900) cannot be bought
    product = await products.create_product(runtime, main_shop.id, data)
    with shop_scope(main_shop.id):
        stored = await Product.get(id=product.id)
        skus = await Sku.filter(product_id=product.id)
    assert stored.status == ProductStatus.DRAFT
    assert (stored.min_price, stored.max_price, stored.currency) == (9900, 10900, "CNY")
    assert stored.search_text == "夏季连衣裙 cotton summer dress 红 蓝 m l"
    assert stored.description_html == "<p>好看</p>"
    assert [s.stock for s in skus] == [5, 5, 5, 5]
    assert {s.specs["颜色"] for s in skus} == {"红", "蓝"}
    assert stored.spec_attributes[0] == {"name": "颜色", "values": ["红", "蓝"]}


async def test_currency_follows_the_platform(make_runtime):
    runtime = make_runtime({"platform": {"currency": "HKD"}})
    async with runtime.running(run_jobs=False):
        shop = await Shop.get(slug="main")
        product = await products.create_product(runtime, shop.id, simple("茶", "TEA"))
        with shop_scope(shop.id):
            assert await Sku.filter(product_id=product.id).values_list("currency", flat=True) == [
                "HKD"
            ]
        assert product.currency == "HKD"


async def test_update_matches_skus_by_code_and_deactivates_removed(runtime, main_shop):
    product = await products.create_product(runtime, main_shop.id, dress())
    with shop_scope(main_shop.id):
        original = {s.code: s.id for s in await Sku.filter(product_id=product.id)}
    data = dress(subtitle="Linen")
    codes = [s["code"] for s in data["skus"]]
    data["skus"][0]["price"] = 8800
    data["skus"][1]["stock"] = 0
    removed = data["skus"].pop(3)
    data["skus"].append(sku("NEW-B-L", 15900, specs={"颜色": "蓝", "尺码": "L"}))
    await products.update_product(runtime, main_shop.id, product.id, data)
    with shop_scope(main_shop.id):
        rows = {s.code: s for s in await Sku.filter(product_id=product.id)}
        stored = await Product.get(id=product.id)
    # Kept SKUs keep their ids (orders and carts point at them).
    assert all(rows[code].id == original[code] for code in codes)
    assert rows[codes[0]].price == 8800
    assert rows[codes[1]].stock == 0
    assert rows[removed["code"]].active is False
    assert rows["NEW-B-L"].active is True
    assert (stored.min_price, stored.max_price) == (8800, 15900)
    assert "linen" in stored.search_text and "cotton" not in stored.search_text


async def test_update_unknown_product_is_not_found(runtime, main_shop):
    with pytest.raises(NotFound):
        await products.update_product(runtime, main_shop.id, 12345, dress())


async def test_update_refuses_a_code_of_another_product(runtime, main_shop):
    await products.create_product(runtime, main_shop.id, simple("T恤", "TEE-1"))
    hat = await products.create_product(runtime, main_shop.id, simple("帽子", "HAT-1"))
    before = await counts()
    with pytest.raises(CatalogError) as caught:
        await products.update_product(
            runtime, main_shop.id, hat.id, {"title": "帽子", "skus": [sku("TEE-1")]}
        )
    assert caught.value.field == "skus.0.code"
    assert await counts() == before
    with shop_scope(main_shop.id):
        assert await Sku.filter(product_id=hat.id).values_list("code", "active") == [
            ("HAT-1", True)
        ]


async def test_publish_needs_an_active_sku(runtime, main_shop):
    data = simple("样品", "SAMPLE")
    data["skus"][0]["active"] = False
    product = await products.create_product(runtime, main_shop.id, data)
    with pytest.raises(CatalogError, match="active SKU"):
        await products.publish(runtime, main_shop.id, product.id)
    other = await products.create_product(runtime, main_shop.id, simple("茶", "TEA"))
    assert (await products.publish(runtime, main_shop.id, other.id)).status == "published"
    assert (await products.unpublish(runtime, main_shop.id, other.id)).status == "draft"


async def test_categories(runtime, main_shop):
    women = await products.create_category(runtime, main_shop.id, "女装")
    again = await products.create_category(runtime, main_shop.id, "女装")
    dresses = await products.create_category(
        runtime, main_shop.id, "Summer Dresses", parent_id=women.id
    )
    assert (women.slug, again.slug, dresses.slug) == ("category", "category-2", "summer-dresses")
    assert dresses.parent_id == women.id
    before = await counts()
    with pytest.raises(CatalogError) as caught:
        await products.create_category(runtime, main_shop.id, "x", slug="summer-dresses")
    assert caught.value.field == "slug"
    with pytest.raises(CatalogError) as caught:
        await products.create_category(runtime, main_shop.id, "x", slug="Bad Slug")
    assert caught.value.field == "slug"
    with pytest.raises(CatalogError) as caught:
        await products.create_category(runtime, main_shop.id, " ")
    assert caught.value.field == "name"
    other = await Shop.create(slug="other", name="Other")
    with pytest.raises(CatalogError) as caught:
        await products.create_category(runtime, other.id, "子类", parent_id=women.id)
    assert caught.value.field == "parent_id"
    assert await counts() == before


async def test_product_saved_is_not_announced_for_a_refused_change(make_runtime):
    def saved(product_id):
        raise AssertionError("never delivered")

    runtime = make_runtime(
        enabled("saved_watch"),
        extra_plugins={"saved_watch": plugin("saved_watch", shequ_product_saved=saved)},
    )
    async with runtime.running(run_jobs=False):
        shop = await Shop.get(slug="main")
        with pytest.raises(CatalogError):
            await products.create_product(runtime, shop.id, simple("茶", "TEA", category_id=9))
        assert await Job.all().count() == 0
        await products.create_product(runtime, shop.id, simple("茶", "TEA"))
        assert await Job.all().count() == 1  # the observer is there; only the refusal was silent
