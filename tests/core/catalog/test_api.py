"""The public catalog API through a real app: shapes, 404 and 422 JSON errors, media."""

from __future__ import annotations

import pytest

from shequ.core.appkeys import RUNTIME
from shequ.core.catalog import products
from shequ.core.catalog.models import Product
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.catalog.builders import dress, png_bytes, published, simple


@pytest.fixture
async def shop_api(aiohttp_client, make_app):
    app = make_app()
    client = await aiohttp_client(app)
    runtime = app[RUNTIME]
    with runtime.db.bound():
        main = await Shop.get(slug="main")
        closed = await Shop.create(slug="closed", name="关店", status="suspended")
        women = await products.create_category(runtime, main.id, "女装", slug="women")
        sub = await products.create_category(
            runtime, main.id, "连衣裙", slug="dresses", parent_id=women.id
        )
        dress_ = await published(runtime, main.id, dress(category_id=sub.id))
        image = await products.add_image(runtime, dress_, png_bytes(), "d.png", "image/png")
        tea = await published(runtime, main.id, simple("Green Tea 绿茶", "TEA", 1500))
        draft = await products.create_product(runtime, main.id, simple("草稿", "DRAFT"))
        hidden = await published(runtime, closed.id, simple("停业", "GONE"))
    ids = {
        "main": main.id,
        "closed": closed.id,
        "women": women.id,
        "dress": dress_.id,
        "tea": tea.id,
        "draft": draft.id,
        "hidden": hidden.id,
        "image": image,
    }
    return client, runtime, ids


def error_of(body):
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]


async def test_products_listing(shop_api):
    client, _, ids = shop_api
    response = await client.get("/api/v1/products")
    assert response.status == 200
    body = await response.json()
    assert [item["id"] for item in body["items"]] == [ids["dress"], ids["tea"]]
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (2, 1, 20, 1)
    first = body["items"][0]
    assert first["min_price"] == 9900 and isinstance(first["min_price"], int)
    assert first["currency"] == "CNY" and first["cover_url"].startswith("/media/")

    body = await (await client.get("/api/v1/products", params={"q": "GREEN tea"})).json()
    assert [item["title"] for item in body["items"]] == ["Green Tea 绿茶"]
    body = await (await client.get("/api/v1/products", params={"q": "连衣裙"})).json()
    assert [item["id"] for item in body["items"]] == [ids["dress"]]
    query = {"shop": ids["main"], "category": ids["women"], "sort": "price_desc"}
    body = await (await client.get("/api/v1/products", params=query)).json()
    assert [item["id"] for item in body["items"]] == [ids["dress"]]
    body = await (
        await client.get("/api/v1/products", params={"sort": "price_asc", "per_page": "1"})
    ).json()
    assert [item["id"] for item in body["items"]] == [ids["tea"]] and body["pages"] == 2


@pytest.mark.parametrize(
    "params,field",
    [
        ({"per_page": "51"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"sort": "cheapest"}, "sort"),
        ({"shop": "abc"}, "shop"),
        ({"category": "-1"}, "category"),
        ({"q": "x" * 101}, "q"),
    ],
)
async def test_bad_listing_query_is_422_with_field(shop_api, params, field):
    client, _, _ = shop_api
    response = await client.get("/api/v1/products", params=params)
    assert response.status == 422
    error = error_of(await response.json())
    assert (error["code"], error["field"]) == ("invalid", field)


async def test_unknown_or_suspended_shop_and_unknown_category_are_404(shop_api):
    client, _, ids = shop_api
    for params, code in [
        ({"shop": ids["closed"]}, "shop_not_found"),
        ({"shop": 999}, "shop_not_found"),
        ({"category": 999}, "category_not_found"),
    ]:
        response = await client.get("/api/v1/products", params=params)
        assert response.status == 404
        assert error_of(await response.json())["code"] == code


async def test_product_detail(shop_api):
    client, runtime, ids = shop_api
    response = await client.get(f"/api/v1/products/{ids['dress']}")
    assert response.status == 200
    body = await response.json()
    assert body["title"] == "夏季连衣裙"
    assert [sku["price"] for sku in body["skus"]] == [9900, 10900, 9900, 12900]
    assert body["skus"][0]["specs"] == {"颜色": "红", "尺码": "M"}
    assert body["category"]["slug"] == "dresses"
    assert body["shop"] == {
        "id": ids["main"],
        "slug": "main",
        "name": "Shequ",
        "notice": "",
        "logo_url": "",
    }
    [image] = body["images"]
    # The image URL is served by the app.
    served = await client.get(image["url"])
    assert served.status == 200
    assert await served.read() == png_bytes()


@pytest.mark.parametrize("which", ["draft", "hidden", "unknown"])
async def test_product_detail_404_json(shop_api, which):
    client, _, ids = shop_api
    product_id = ids.get(which, 987654)
    response = await client.get(f"/api/v1/products/{product_id}")
    assert response.status == 404
    error = error_of(await response.json())
    assert error["code"] == "product_not_found"


async def test_non_numeric_product_id_is_json_404(shop_api):
    client, _, _ = shop_api
    response = await client.get("/api/v1/products/abc")
    assert response.status == 404
    assert error_of(await response.json())["code"] == "not_found"


async def test_categories(shop_api):
    client, _, ids = shop_api
    body = await (await client.get("/api/v1/categories", params={"shop": ids["main"]})).json()
    assert [(c["slug"], c["parent_id"]) for c in body["items"]] == [
        ("women", None),
        ("dresses", ids["women"]),
    ]
    response = await client.get("/api/v1/categories")
    assert response.status == 422
    assert error_of(await response.json())["field"] == "shop"
    response = await client.get("/api/v1/categories", params={"shop": ids["closed"]})
    assert response.status == 404
    assert error_of(await response.json())["code"] == "shop_not_found"


async def test_shops(shop_api):
    client, _, ids = shop_api
    body = await (await client.get("/api/v1/shops")).json()
    assert [shop["slug"] for shop in body["items"]] == ["main"]
    response = await client.get("/api/v1/shops/main")
    assert response.status == 200
    assert (await response.json())["id"] == ids["main"]
    for slug in ("closed", "nope"):
        response = await client.get(f"/api/v1/shops/{slug}")
        assert response.status == 404
        assert error_of(await response.json())["code"] == "shop_not_found"


async def test_get_requests_change_nothing(shop_api):
    client, runtime, _ = shop_api
    with runtime.db.bound(), shop_scope(ALL_SHOPS):
        before = await Product.all().values_list("id", "status", "updated_at")
    await client.get("/api/v1/products", params={"page": "0"})
    await client.get("/api/v1/products/987654")
    with runtime.db.bound(), shop_scope(ALL_SHOPS):
        assert await Product.all().values_list("id", "status", "updated_at") == before


async def test_openapi_documents_catalog_schemas(shop_api):
    client, _, _ = shop_api
    document = await (await client.get("/api/v1/openapi.json")).json()
    paths = document["paths"]
    assert {"/api/v1/products", "/api/v1/products/{product_id}", "/api/v1/categories"} <= set(paths)
    assert {"/api/v1/shops", "/api/v1/shops/{slug}"} <= set(paths)
    listing = paths["/api/v1/products"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProductPage"
    }
    assert {p["name"] for p in listing["parameters"]} >= {"shop", "q", "sort", "per_page"}
    schemas = document["components"]["schemas"]
    assert {"ProductPage", "ProductSummary", "ProductDetail", "SkuView", "ShopView"} <= set(schemas)
