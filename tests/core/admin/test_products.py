"""Products through the HTTP forms: SKUs, image upload, stock, publishing, bad input."""

from __future__ import annotations

import asyncio
import io
import random
import re

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from shequ.core.accounts.service import OWNER, STAFF
from shequ.core.admin.money import MAX_FEN, MoneyError, parse_yuan, yuan
from shequ.core.catalog.models import Category, Product, ProductImage, Sku
from shequ.core.catalog.storage import storage_for
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.admin.support import make_person, make_product, make_shop, product_state, sku_of


def png(width: int = 8, height: int = 6, colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def product_form(**fields) -> dict[str, str]:
    """A product with two spec attributes and four SKUs, as a browser would send it."""
    form = {
        "title": "纯棉T恤",
        "subtitle": "夏季新款",
        "description": "<p>好穿</p><script>alert(1)</script>",
        "sort": "0",
        "attribute_slots": "3",
        "attr-0-name": "颜色",
        "attr-0-values": "红，蓝",
        "attr-1-name": "尺码",
        "attr-1-values": "M, L",
        "sku_rows": "5",
    }
    for i, (colour, size, price) in enumerate(
        [("红", "M", "59.90"), ("红", "L", "59.90"), ("蓝", "M", "62"), ("蓝", "L", "62.5")]
    ):
        form.update(
            {
                f"sku-{i}-code": f"TS-{i}",
                f"sku-{i}-spec-0": colour,
                f"sku-{i}-spec-1": size,
                f"sku-{i}-price": price,
                f"sku-{i}-compare": "99" if i == 0 else "",
                f"sku-{i}-stock": str(10 + i),
                f"sku-{i}-active": "on",
            }
        )
    form.update(fields)
    return form


async def signed_in_owner(admin_app, browsers, role=OWNER):
    client, runtime = await admin_app()
    shop = await make_shop()
    person = await make_person(role, shop)
    browser = browsers(client)
    await browser.login(person.email)
    return browser, runtime, shop, f"/admin/shops/{shop.id}"


async def all_products() -> list[Product]:
    with shop_scope(ALL_SHOPS):
        return await Product.all()


async def test_create_product_with_skus_and_upload_an_image(admin_app, browsers):
    browser, runtime, shop, base = await signed_in_owner(admin_app, browsers)
    status, html = await browser.get(f"{base}/products/new")
    assert status == 200 and 'name="sku-0-code"' in html
    status, body, location = await browser.post(
        f"{base}/products/new", product_form(), form_page=f"{base}/products/new"
    )
    assert status == 303, body
    (product,) = await all_products()
    assert location == f"{base}/products/{product.id}"
    assert product.shop_id == shop.id and product.status == "draft"
    assert product.spec_attributes == [
        {"name": "颜色", "values": ["红", "蓝"]},
        {"name": "尺码", "values": ["M", "L"]},
    ]
    assert "<script>" not in product.description_html
    assert (product.min_price, product.max_price) == (5990, 6250)
    with shop_scope(shop.id):
        skus = (
            await Sku.filter(product_id=product.id)
            .order_by("code")
            .values_list("code", "specs", "price", "compare_at_price", "stock")
        )
    assert skus == [
        ("TS-0", {"颜色": "红", "尺码": "M"}, 5990, 9900, 10),
        ("TS-1", {"颜色": "红", "尺码": "L"}, 5990, None, 11),
        ("TS-2", {"颜色": "蓝", "尺码": "M"}, 6200, None, 12),
        ("TS-3", {"颜色": "蓝", "尺码": "L"}, 6250, None, 13),
    ]

    image = png()
    upload = aiohttp.FormData()
    upload.add_field("image", image, filename="shirt.png", content_type="image/png")
    upload.add_field("alt", "红色正面")
    status, body, location = await browser.post(
        f"{base}/products/{product.id}/images", upload, form_page=location
    )
    assert status == 303, body
    with shop_scope(shop.id):
        (stored,) = await ProductImage.filter(product_id=product.id)
        product = await Product.get(id=product.id)
    assert stored.alt == "红色正面"
    storage = storage_for(runtime)
    assert storage.path(stored.storage_key).read_bytes() == image
    assert product.cover_url == storage.url(stored.storage_key)
    status, html = await browser.get(location)
    assert storage.url(stored.storage_key) in html
    served = await browser.session.get(browser.url(storage.url(stored.storage_key)))
    assert served.status == 200 and await served.read() == image


async def test_not_an_image_is_refused_and_nothing_is_stored(admin_app, browsers):
    browser, runtime, shop, base = await signed_in_owner(admin_app, browsers)
    product = await make_product(runtime, shop)
    upload = aiohttp.FormData()
    upload.add_field("image", b"GIF89a not really", filename="x.png", content_type="image/png")
    status, html, _ = await browser.post(f"{base}/products/{product.id}/images", upload)
    assert status == 422 and "image" in html
    with shop_scope(shop.id):
        assert not await ProductImage.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sku-1-price": "abc"}, "skus.1.price"),
        ({"sku-1-price": "-5"}, "skus.1.price"),
        ({"sku-1-price": "1.234"}, "skus.1.price"),
        ({"sku-1-price": "99999999999"}, "skus.1.price"),
        ({"sku-1-code": "TS-0"}, "skus.1.code"),
        ({"sku-1-spec-0": "绿"}, "skus.1.specs"),
        ({"sku-2-code": ""}, "skus.2.code"),
        ({"sku-0-stock": "-1"}, "skus.0.stock"),
        ({"sku-0-compare": "1.00"}, "compare_at_price"),
        ({"title": ""}, "title"),
        ({"category_id": "999"}, "category_id"),
    ],
)
async def test_bad_product_input_is_a_422_naming_the_field_and_writes_nothing(
    admin_app, browsers, change, field
):
    browser, _, shop, base = await signed_in_owner(admin_app, browsers)
    status, html, _ = await browser.post(f"{base}/products/new", product_form(**change))
    assert status == 422
    assert field in html
    assert 'value="夏季新款"' in html  # what was typed is kept
    assert await all_products() == []
    with shop_scope(ALL_SHOPS):
        assert await Sku.all().count() == 0


async def test_expand_fills_rows_with_every_combination_without_saving(admin_app, browsers):
    browser, _, _, base = await signed_in_owner(admin_app, browsers)
    form = {
        "title": "袜子",
        "attribute_slots": "3",
        "attr-0-name": "颜色",
        "attr-0-values": "黑, 白, 灰",
        "attr-1-name": "尺码",
        "attr-1-values": "S, L",
        "sku_rows": "1",
        "sku-0-code": "SOCK-BS",
        "sku-0-spec-0": "黑",
        "sku-0-spec-1": "S",
        "sku-0-price": "9.90",
        "action": "expand",
    }
    status, html, _ = await browser.post(f"{base}/products/new", form)
    assert status == 200
    assert await all_products() == []
    assert 'value="SOCK-BS"' in html
    rows = int(re.search(r'name="sku_rows" value="(\d+)"', html).group(1))
    assert rows == 6 + 3  # six combinations and three blank rows
    assert html.count('value="9.90"') == 6


async def test_edit_keeps_stock_that_orders_took_meanwhile(admin_app, browsers):
    browser, runtime, shop, base = await signed_in_owner(admin_app, browsers)
    status, _, location = await browser.post(f"{base}/products/new", product_form())
    (product,) = await all_products()
    status, page = await browser.get(location)
    assert status == 200
    # An order takes stock of TS-0 after the page was rendered.
    with shop_scope(shop.id):
        await Sku.filter(code="TS-0").update(stock=3)
    form = product_form(title="纯棉T恤（新）", **{"sku-3-active": ""})
    del form["sku-3-active"]  # unticked: TS-3 stops selling
    status, body, _ = await browser.post(location, form, form_page=location)
    assert status == 303, body
    state = await product_state(product)
    assert state["title"] == "纯棉T恤（新）"
    assert state["skus"] == [
        ("TS-0", 5990, 3, True),
        ("TS-1", 5990, 11, True),
        ("TS-2", 6200, 12, True),
        ("TS-3", 6250, 13, False),
    ]


async def test_stock_form_sets_levels_and_refuses_a_stale_page(admin_app, browsers):
    browser, runtime, shop, base = await signed_in_owner(admin_app, browsers)
    product = await make_product(runtime, shop, stock=5)
    sku = await sku_of(product)
    path = f"{base}/products/{product.id}"
    status, _, _ = await browser.post(
        f"{path}/stock", {f"stock-{sku.id}": "40", f"expected-{sku.id}": "5"}, form_page=path
    )
    assert status == 303
    assert (await sku_of(product)).stock == 40
    # A page rendered when the stock was 5: an order has since changed it; refuse.
    status, html, _ = await browser.post(
        f"{path}/stock", {f"stock-{sku.id}": "7", f"expected-{sku.id}": "5"}, form_page=path
    )
    assert status == 409 and "40" in html
    assert (await sku_of(product)).stock == 40
    status, html, _ = await browser.post(
        f"{path}/stock", {f"stock-{sku.id}": "-3", f"expected-{sku.id}": "40"}, form_page=path
    )
    assert status == 422
    assert (await sku_of(product)).stock == 40


async def test_concurrent_stock_edits_from_the_same_page_apply_once(admin_app, browsers):
    """Two sellers submit the stock form rendered at the same level: one wins, the other is
    told the stock changed (no lost update). Real concurrency on both databases."""
    browser, runtime, shop, base = await signed_in_owner(admin_app, browsers)
    product = await make_product(runtime, shop, stock=5)
    sku = await sku_of(product)
    path = f"{base}/products/{product.id}"
    tokens = [await browser.token(path) for _ in range(2)]

    async def submit(level: int, token: str) -> int:
        data = {f"stock-{sku.id}": str(level), f"expected-{sku.id}": "5", "csrf_token": token}
        async with browser.session.post(
            browser.url(f"{path}/stock"), data=data, allow_redirects=False
        ) as response:
            return response.status

    statuses = await asyncio.gather(submit(20, tokens[0]), submit(30, tokens[1]))
    assert sorted(statuses) == [303, 409]
    winner = 20 if statuses[0] == 303 else 30
    assert (await sku_of(product)).stock == winner


async def test_publish_unpublish_and_list_filters(admin_app, browsers):
    browser, runtime, shop, base = await signed_in_owner(admin_app, browsers, role=STAFF)
    product = await make_product(runtime, shop, title="红富士苹果")
    await make_product(runtime, shop, title="香梨")
    path = f"{base}/products/{product.id}"
    status, _, _ = await browser.post(f"{path}/unpublish", form_page=path)
    assert status == 303
    assert (await product_state(product))["status"] == "draft"
    status, html = await browser.get(f"{base}/products?status=draft")
    assert "红富士苹果" in html and "香梨" not in html
    status, html = await browser.get(f"{base}/products?q=富士")
    assert "红富士苹果" in html and "香梨" not in html
    status, _, location = await browser.post(f"{path}/publish?back=list", form_page=path)
    assert status == 303 and location == f"{base}/products"
    assert (await product_state(product))["status"] == "published"


async def test_publishing_without_an_active_sku_is_refused(admin_app, browsers):
    browser, runtime, shop, base = await signed_in_owner(admin_app, browsers)
    product = await make_product(runtime, shop)
    with shop_scope(shop.id):
        await Sku.filter(product_id=product.id).update(active=False)
        await Product.filter(id=product.id).update(status="draft")
    status, html, _ = await browser.post(f"{base}/products/{product.id}/publish")
    assert status == 422 and "active SKU" in html
    assert (await product_state(product))["status"] == "draft"


async def test_categories_are_created_in_the_shop(admin_app, browsers):
    browser, _, shop, base = await signed_in_owner(admin_app, browsers)
    status, _, _ = await browser.post(f"{base}/categories", {"name": "水果", "slug": "fruit"})
    assert status == 303
    with shop_scope(shop.id):
        fruit = await Category.get(slug="fruit")
    status, _, _ = await browser.post(
        f"{base}/categories", {"name": "苹果", "parent_id": str(fruit.id)}
    )
    assert status == 303
    status, html, _ = await browser.post(f"{base}/categories", {"name": "重复", "slug": "fruit"})
    assert status == 422 and "fruit" in html
    with shop_scope(shop.id):
        assert await Category.all().count() == 2
    status, html = await browser.get(f"{base}/categories")
    assert html.index("水果") < html.index("苹果")


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_yuan_round_trips_to_the_fen(fen):
    assert parse_yuan(yuan(fen), "price") == fen


@given(st.text(max_size=12))
def test_parse_yuan_accepts_only_plain_amounts(text):
    try:
        fen = parse_yuan(text, "price")
    except MoneyError as exc:
        assert exc.field == "price"
    else:
        assert 0 <= fen <= MAX_FEN
        assert isinstance(fen, int)


async def test_an_upload_over_the_body_limit_is_refused_and_nothing_stored(admin_app, browsers):
    client, runtime = await admin_app({"server": {"max_upload_bytes": 64 * 1024}})
    shop = await make_shop()
    owner = await make_person(OWNER, shop)
    browser = browsers(client)
    await browser.login(owner.email)
    product = await make_product(runtime, shop)
    noise = Image.frombytes("RGB", (200, 200), random.Random(7).randbytes(200 * 200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert len(buffer.getvalue()) > 64 * 1024
    upload = aiohttp.FormData()
    upload.add_field("image", buffer.getvalue(), filename="big.png", content_type="image/png")
    status, _, _ = await browser.post(
        f"/admin/shops/{shop.id}/products/{product.id}/images", upload
    )
    assert status == 413
    with shop_scope(shop.id):
        assert not await ProductImage.exists()


async def test_an_overlong_search_is_a_4xx_not_a_crash(admin_app, browsers):
    browser, _, _, base = await signed_in_owner(admin_app, browsers)
    for path in (
        f"{base}/products?q={'x' * 500}",
        f"{base}/customers?q={'x' * 500}",
        f"{base}/orders?number={'1' * 500}",
    ):
        status, html = await browser.get(path)
        assert status in (400, 422), path
        assert "at most" in html
