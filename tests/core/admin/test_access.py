"""Every role sees and changes only what it may: a test per role, across two shops.

Shop A's people get 403 for every shop-B URL and change nothing; a shop-B object reached
through shop A's URL is not found (404); the operator sees both shops.
"""

from __future__ import annotations

import pytest
from aiohttp import web

from shequ.core.accounts.service import OPERATOR, OWNER, STAFF
from shequ.core.orders.models import OrderState
from tests.core.admin.support import (
    make_person,
    make_product,
    make_shop,
    order_state,
    overrides,
    paid_order,
    product_state,
)

SETTINGS = {"plugins": {"enabled": ["shipping"]}}


@pytest.fixture
async def world(admin_app, browsers):
    """Two shops, each with a product and a paid order; an owner, a staff member and the
    operator, each signed in in their own browser."""
    client, runtime = await admin_app(SETTINGS)
    shop_a, shop_b = await make_shop("甲店"), await make_shop("乙店")
    product_a = await make_product(runtime, shop_a, title="甲的苹果")
    product_b = await make_product(runtime, shop_b, title="乙的梨")
    buyer = await make_person(name="买家")
    order_a = await paid_order(runtime, buyer.customer, (product_a, 1))
    order_b = await paid_order(runtime, buyer.customer, (product_b, 2))
    people = {
        "owner": await make_person(OWNER, shop_a),
        "staff": await make_person(STAFF, shop_a),
        "operator": await make_person(OPERATOR),
        "buyer": buyer,
    }
    signed_in = {}
    for role in ("owner", "staff", "operator"):
        signed_in[role] = browsers(client)
        await signed_in[role].login(people[role].email)
    return {
        "client": client,
        "runtime": runtime,
        "a": shop_a,
        "b": shop_b,
        "product_a": product_a,
        "product_b": product_b,
        "order_a": order_a,
        "order_b": order_b,
        "people": people,
        "browser": signed_in,
    }


def shop_b_reads(w) -> list[str]:
    b = f"/admin/shops/{w['b'].id}"
    return [
        f"{b}/",
        f"{b}/products",
        f"{b}/products/{w['product_b'].id}",
        f"{b}/orders",
        f"{b}/orders/{w['order_b'].id}",
        f"{b}/customers",
        f"{b}/plugins",
        f"{b}/categories",
        f"{b}/staff",
    ]


async def shop_b_writes(w) -> list[tuple[str, dict]]:
    b = f"/admin/shops/{w['b'].id}"
    product, order = w["product_b"], w["order_b"]
    return [
        (
            f"{b}/products/{product.id}",
            {
                "title": "改了",
                "sku_rows": "1",
                "sku-0-code": "X1",
                "sku-0-price": "1.00",
                "sku-0-active": "on",
            },
        ),
        (f"{b}/products/{product.id}/publish", {}),
        (f"{b}/products/{product.id}/unpublish", {}),
        (
            f"{b}/products/new",
            {"title": "新", "sku_rows": "1", "sku-0-code": "N1", "sku-0-price": "1"},
        ),
        (f"{b}/orders/{order.id}/ship", {"carrier": "顺丰速运", "tracking_number": "SF1"}),
        (f"{b}/orders/{order.id}/refund", {"amount": "1.00"}),
        (f"{b}/orders/{order.id}/cancel", {}),
        (f"{b}/plugins/shipping", {"override:flat_fee": "on", "value:flat_fee": "1"}),
        (f"{b}/categories", {"name": "入侵"}),
        (f"{b}/staff", {"identifier": w["people"]["owner"].email, "role": "owner"}),
    ]


async def b_state(w):
    return (
        await product_state(w["product_b"]),
        await order_state(w["order_b"]),
        await overrides(w["b"]),
    )


@pytest.mark.parametrize("role", ["owner", "staff"])
async def test_shop_a_people_get_403_for_every_shop_b_url_and_change_nothing(world, role):
    browser = world["browser"][role]
    for path in shop_b_reads(world):
        status, html = await browser.get(path)
        assert status == 403, path
        assert "乙的梨" not in html and world["order_b"].number not in html
    before = await b_state(world)
    for path, data in await shop_b_writes(world):
        status, _, _ = await browser.post(path, data)
        assert status == 403, path
    assert await b_state(world) == before
    assert (await order_state(world["order_b"]))["state"] == OrderState.PAID


@pytest.mark.parametrize("role", ["owner", "staff"])
async def test_shop_b_objects_through_shop_a_urls_are_not_found(world, role):
    browser = world["browser"][role]
    a = f"/admin/shops/{world['a'].id}"
    product, order = world["product_b"], world["order_b"]
    for path in (f"{a}/products/{product.id}", f"{a}/orders/{order.id}"):
        status, html = await browser.get(path)
        assert status == 404, path
        assert "乙的梨" not in html
    before = await b_state(world)
    for path, data in [
        (
            f"{a}/products/{product.id}",
            {
                "title": "改了",
                "sku_rows": "1",
                "sku-0-code": "X1",
                "sku-0-price": "1.00",
                "sku-0-active": "on",
            },
        ),
        (f"{a}/products/{product.id}/stock", {"stock-1": "0"}),
        (f"{a}/products/{product.id}/unpublish", {}),
        (f"{a}/orders/{order.id}/ship", {"carrier": "顺丰速运", "tracking_number": "SF1"}),
        (f"{a}/orders/{order.id}/refund", {}),
        (f"{a}/orders/{order.id}/cancel", {}),
    ]:
        status, _, _ = await browser.post(path, data)
        assert status == 404, path
    assert await b_state(world) == before


async def test_shop_a_pages_show_only_shop_a(world):
    browser = world["browser"]["owner"]
    a = f"/admin/shops/{world['a'].id}"
    status, html = await browser.get(f"{a}/products")
    assert status == 200
    assert "甲的苹果" in html and "乙的梨" not in html
    status, html = await browser.get(f"{a}/orders")
    assert status == 200
    assert world["order_a"].number in html and world["order_b"].number not in html


async def test_staff_cannot_change_plugin_settings_or_staff(world):
    browser = world["browser"]["staff"]
    shop = world["a"]
    a = f"/admin/shops/{shop.id}"
    status, html = await browser.get(f"{a}/plugins")
    assert status == 200 and "flat_fee" in html
    assert 'name="value:flat_fee"' not in html  # read-only for staff
    status, _, _ = await browser.post(
        f"{a}/plugins/shipping", {"override:flat_fee": "on", "value:flat_fee": "1"}
    )
    assert status == 403
    assert await overrides(shop) == {}
    buyer = world["people"]["buyer"]
    status, _, _ = await browser.post(f"{a}/staff", {"identifier": buyer.email, "role": "staff"})
    assert status == 403
    from shequ.core.accounts.service import roles_for

    assert await roles_for(buyer.customer) == []


async def test_owner_can_change_own_plugin_settings(world):
    browser = world["browser"]["owner"]
    shop = world["a"]
    status, _, location = await browser.post(
        f"/admin/shops/{shop.id}/plugins/shipping",
        {"override:flat_fee": "on", "value:flat_fee": "500"},
    )
    assert status == 303, location
    assert await overrides(shop) == {"shipping": {"flat_fee": 500}}


async def test_operator_sees_and_changes_both_shops(world):
    browser = world["browser"]["operator"]
    for shop, product, order in (
        (world["a"], world["product_a"], world["order_a"]),
        (world["b"], world["product_b"], world["order_b"]),
    ):
        base = f"/admin/shops/{shop.id}"
        status, html = await browser.get(f"{base}/products")
        assert status == 200 and product.title in html
        status, html = await browser.get(f"{base}/orders/{order.id}")
        assert status == 200 and order.number in html
    status, _, _ = await browser.post(
        f"/admin/shops/{world['b'].id}/plugins/shipping",
        {"override:free_above": "on", "value:free_above": "null"},
    )
    assert status == 303
    assert await overrides(world["b"]) == {"shipping": {"free_above": None}}
    status, html = await browser.get("/admin/platform/orders")
    assert status == 200
    assert world["order_a"].number in html and world["order_b"].number in html


@pytest.mark.parametrize("role", ["owner", "staff"])
async def test_platform_pages_are_for_the_operator_only(world, role):
    browser = world["browser"][role]
    for path in (
        "/admin/platform/shops",
        "/admin/platform/orders",
        "/admin/platform/customers",
        "/admin/platform/shops/new",
    ):
        status, _ = await browser.get(path)
        assert status == 403, path
    from shequ.core.shops.models import Shop

    count = await Shop.all().count()
    status, _, _ = await browser.post(
        "/admin/platform/shops/new",
        {
            "name": "黑店",
            "slug": "evil",
            "owner_identifier": "x@example.com",
            "owner_password": "long enough password",
        },
    )
    assert status == 403
    status, _, _ = await browser.post(
        f"/admin/platform/shops/{world['b'].id}/status", {"status": "suspended"}
    )
    assert status == 403
    assert await Shop.all().count() == count
    assert (await Shop.get(id=world["b"].id)).status == "active"


async def test_visitors_are_sent_to_login_and_buyers_are_refused(world, browsers):
    client = world["client"]
    visitor = browsers(client)
    path = f"/admin/shops/{world['a'].id}/orders"
    status, _ = await visitor.get(path)
    assert status == 303
    status, _, location = await visitor.post(f"{path}/{world['order_a'].id}/ship", {})
    assert status == 303 and location.startswith("/admin/login")
    assert (await order_state(world["order_a"]))["shipments"] == 0
    # A customer without a staff role is not let in (and learns nothing about shops).
    buyer = browsers(client)
    status, html, _ = await buyer.post(
        "/admin/login",
        {"identifier": world["people"]["buyer"].email, "password": "correct horse battery"},
    )
    assert status == 403 and "没有后台权限" in html
    status, _ = await buyer.get(path)
    assert status == 303  # still signed out of the admin


async def test_a_bearer_token_does_not_open_the_admin(world):
    from shequ.core.accounts.tokens import issue_token

    token = await issue_token(world["people"]["owner"].customer.id)
    response = await world["client"].get(
        f"/admin/shops/{world['a'].id}/",
        headers={"Authorization": f"Bearer {token}"},
        allow_redirects=False,
    )
    assert response.status == 303


def test_every_admin_route_is_guarded(make_settings):
    """The route table itself: every shop URL goes through the shop guard, every platform
    URL through the operator guard; only login, logout and static files are open."""
    from shequ.core.app import create_app

    app = create_app(make_settings())
    open_paths = {"/admin/login", "/admin/logout"}
    checked = 0
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("formatter") or info.get("path") or info.get("prefix", "")
        if not path.startswith("/admin") or path in open_paths or route.method == "HEAD":
            continue
        if path.startswith("/admin/static"):
            assert isinstance(route.resource, web.StaticResource)
            continue
        guard = getattr(route.handler, "admin_guard", None)
        if path.startswith("/admin/shops/"):
            assert guard == "shop", path
        elif path.startswith("/admin/platform/"):
            assert guard == "platform", path
        else:
            assert guard in ("staff", "platform", "shop"), path
        checked += 1
    assert checked > 30
