"""Every admin form needs its CSRF token: without one the POST is 403 and nothing changes."""

from __future__ import annotations

import aiohttp

from shequ.core.accounts.service import OPERATOR, OWNER
from shequ.core.catalog.models import Product
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.admin.support import (
    make_person,
    make_product,
    make_shop,
    order_state,
    overrides,
    paid_order,
    product_state,
    sku_of,
)


async def test_admin_forms_without_csrf_are_refused(admin_app, browsers):
    client, runtime = await admin_app({"plugins": {"enabled": ["shipping"]}})
    shop = await make_shop()
    product = await make_product(runtime, shop)
    order = await paid_order(runtime, (await make_person()).customer, (product, 1))
    owner = await make_person(OWNER, shop)
    operator = await make_person(OPERATOR)
    browser = browsers(client)
    await browser.login(owner.email)
    base = f"/admin/shops/{shop.id}"
    sku = await sku_of(product)
    before = (await product_state(product), await order_state(order), await overrides(shop))
    for path, data in [
        (
            f"{base}/products/new",
            {"title": "新", "sku_rows": "1", "sku-0-code": "N", "sku-0-price": "1"},
        ),
        (f"{base}/products/{product.id}", {"title": "改"}),
        (f"{base}/products/{product.id}/stock", {f"stock-{sku.id}": "0"}),
        (f"{base}/products/{product.id}/unpublish", {}),
        (f"{base}/orders/{order.id}/ship", {"carrier": "EMS", "tracking_number": "E1"}),
        (f"{base}/orders/{order.id}/refund", {"amount": "1"}),
        (f"{base}/orders/{order.id}/cancel", {}),
        (f"{base}/plugins/shipping", {"override:flat_fee": "on", "value:flat_fee": "1"}),
        (f"{base}/categories", {"name": "x"}),
        ("/admin/logout", {}),
    ]:
        status, _, _ = await browser.post(path, data, csrf=False)
        assert status == 403, path
        status, _, _ = await browser.post(path, {**data, "csrf_token": "forged.token"}, csrf=False)
        assert status == 403, path
    upload = aiohttp.FormData()
    upload.add_field("image", b"\x89PNG", filename="x.png", content_type="image/png")
    status, _, _ = await browser.post(f"{base}/products/{product.id}/images", upload, csrf=False)
    assert status == 403
    assert (await product_state(product), await order_state(order), await overrides(shop)) == before
    with shop_scope(ALL_SHOPS):
        assert await Product.all().count() == 1
    status, _ = await browser.get(f"{base}/")
    assert status == 200  # the refused logout did not sign anyone out

    op = browsers(client)
    await op.login(operator.email)
    count = await Shop.all().count()
    status, _, _ = await op.post(
        "/admin/platform/shops/new",
        {"name": "n", "slug": "n", "owner_identifier": "n@example.com", "owner_password": "x" * 12},
        csrf=False,
    )
    assert status == 403
    status, _, _ = await op.post(
        f"/admin/platform/shops/{shop.id}/status", {"status": "suspended"}, csrf=False
    )
    assert status == 403
    assert await Shop.all().count() == count
    assert (await Shop.get(id=shop.id)).status == "active"


async def test_a_token_from_another_session_is_refused(admin_app, browsers):
    client, runtime = await admin_app()
    shop = await make_shop()
    product = await make_product(runtime, shop)
    owner = await make_person(OWNER, shop)
    victim, attacker = browsers(client), browsers(client)
    await victim.login(owner.email)
    stolen = await attacker.token("/admin/login")
    status, _, _ = await victim.post(
        f"/admin/shops/{shop.id}/products/{product.id}/unpublish",
        {"csrf_token": stolen},
        csrf=False,
    )
    assert status == 403
    assert (await product_state(product))["status"] == "published"
