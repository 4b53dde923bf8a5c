"""The operator: shop onboarding with its owner account, supervision, platform-wide lists."""

from __future__ import annotations

import pytest

from shequ.core.accounts.models import Customer, Identity, StaffRole
from shequ.core.accounts.service import OPERATOR, OWNER, roles_for
from shequ.core.shops.models import Shop
from tests.core.accounts.support import PASSWORD
from tests.core.admin.support import make_person, make_product, make_shop, paid_order


@pytest.fixture
async def operator_desk(admin_app, browsers):
    client, runtime = await admin_app()
    operator = await make_person(OPERATOR)
    browser = browsers(client)
    await browser.login(operator.email)
    return client, runtime, browser


def onboarding(**fields) -> dict[str, str]:
    return {
        "name": "阿婆的腊肉",
        "slug": "apo-larou",
        "owner_identifier": "apo@example.com",
        "owner_password": "a long enough password",
        "owner_nickname": "阿婆",
        **fields,
    }


async def counts() -> tuple[int, int, int]:
    return await Shop.all().count(), await Customer.all().count(), await StaffRole.all().count()


async def test_onboard_a_shop_with_a_new_owner_who_can_then_sign_in(operator_desk, browsers):
    client, _, browser = operator_desk
    status, body, location = await browser.post(
        "/admin/platform/shops/new", onboarding(), form_page="/admin/platform/shops/new"
    )
    assert status == 303, body
    shop = await Shop.get(slug="apo-larou")
    assert shop.name == "阿婆的腊肉" and shop.status == "active"
    identity = await Identity.get(value="apo@example.com")
    assert [(r.role, r.shop_id) for r in await roles_for(identity.customer_id)] == [
        (OWNER, shop.id)
    ]
    owner = browsers(client)
    await owner.login("apo@example.com", "a long enough password")
    status, html = await owner.get(f"/admin/shops/{shop.id}/")
    assert status == 200 and "阿婆的腊肉" in html


async def test_onboard_with_an_existing_account_needs_no_password(operator_desk):
    _, _, browser = operator_desk
    existing = await make_person()
    status, body, _ = await browser.post(
        "/admin/platform/shops/new",
        onboarding(owner_identifier=existing.email.upper(), owner_password=""),
    )
    assert status == 303, body
    shop = await Shop.get(slug="apo-larou")
    assert [(r.role, r.shop_id) for r in await roles_for(existing.customer)] == [(OWNER, shop.id)]


@pytest.mark.parametrize(
    ("fields", "status", "field"),
    [
        ({"slug": "Bad Slug"}, 422, "slug"),
        ({"name": ""}, 422, "name"),
        ({"owner_identifier": "not-an-account"}, 422, "owner_identifier"),
        ({"owner_password": "short"}, 422, "owner_password"),
        ({"owner_password": ""}, 422, "owner_password"),
    ],
)
async def test_bad_onboarding_input_creates_nothing(operator_desk, fields, status, field):
    _, _, browser = operator_desk
    before = await counts()
    got, html, _ = await browser.post("/admin/platform/shops/new", onboarding(**fields))
    assert got == status
    assert field in html
    assert "a long enough password" not in html  # the password is never echoed
    assert await counts() == before


async def test_a_taken_slug_is_a_conflict(operator_desk):
    _, _, browser = operator_desk
    await Shop.create(slug="apo-larou", name="已有")
    before = await counts()
    status, html, _ = await browser.post("/admin/platform/shops/new", onboarding())
    assert status == 409 and "apo-larou" in html
    assert await counts() == before


async def test_suspend_and_reactivate_a_shop(operator_desk):
    client, runtime, browser = operator_desk
    shop = await make_shop()
    await make_product(runtime, shop, title="看得见的商品")
    status, _, _ = await browser.post(
        f"/admin/platform/shops/{shop.id}/status",
        {"status": "suspended"},
        form_page="/admin/platform/shops",
    )
    assert status == 303
    assert (await Shop.get(id=shop.id)).status == "suspended"
    response = await client.get(f"/api/v1/products?shop={shop.id}")
    assert response.status == 404  # hidden from buyers
    status, html = await browser.get(f"/admin/shops/{shop.id}/")
    assert status == 200 and "已被平台暂停" in html  # still supervised in the admin
    status, _, _ = await browser.post(
        f"/admin/platform/shops/{shop.id}/status", {"status": "active"}
    )
    assert (await Shop.get(id=shop.id)).status == "active"
    status, _, _ = await browser.post(
        f"/admin/platform/shops/{shop.id}/status", {"status": "deleted"}
    )
    assert status == 422
    assert (await Shop.get(id=shop.id)).status == "active"


async def test_platform_lists_see_every_shop(operator_desk):
    client, runtime, browser = operator_desk
    shop_a, shop_b = await make_shop("甲"), await make_shop("乙")
    buyer_a, buyer_b = await make_person(name="顾客甲"), await make_person(name="顾客乙")
    order_a = await paid_order(runtime, buyer_a.customer, (await make_product(runtime, shop_a), 1))
    order_b = await paid_order(runtime, buyer_b.customer, (await make_product(runtime, shop_b), 1))
    status, html = await browser.get("/admin/platform/shops")
    assert shop_a.name in html and shop_b.name in html
    status, html = await browser.get("/admin/platform/orders")
    assert order_a.number in html and order_b.number in html
    status, html = await browser.get("/admin/platform/orders?state=shipped")
    assert order_a.number not in html
    status, html = await browser.get("/admin/platform/customers")
    assert "顾客甲" in html and "顾客乙" in html
    assert buyer_a.email not in html  # contacts are masked


async def test_shop_customers_are_its_buyers_and_followers_only(admin_app, browsers):
    from shequ.core.accounts.service import follow_shop

    client, runtime = await admin_app()
    shop, other = await make_shop(), await make_shop()
    buyer, follower, stranger = (
        await make_person(name="买过的"),
        await make_person(name="收藏的"),
        await make_person(name="别家的"),
    )
    await paid_order(runtime, buyer.customer, (await make_product(runtime, shop, price=1234), 1))
    await paid_order(runtime, stranger.customer, (await make_product(runtime, other), 1))
    await follow_shop(follower.customer, shop.id)
    owner = await make_person(OWNER, shop)
    browser = browsers(client)
    await browser.login(owner.email)
    status, html = await browser.get(f"/admin/shops/{shop.id}/customers")
    assert status == 200
    assert "买过的" in html and "收藏的" in html and "别家的" not in html
    assert "¥12.34" in html
    status, html = await browser.get(f"/admin/shops/{shop.id}/customers?q=收藏")
    assert "收藏的" in html and "买过的" not in html


async def test_owner_manages_staff_but_keeps_an_owner(admin_app, browsers):
    client, _ = await admin_app()
    shop = await make_shop()
    owner = await make_person(OWNER, shop)
    helper = await make_person()
    browser = browsers(client)
    await browser.login(owner.email)
    base = f"/admin/shops/{shop.id}/staff"
    status, _, _ = await browser.post(base, {"identifier": helper.email, "role": "staff"})
    assert status == 303
    assert [(r.role, r.shop_id) for r in await roles_for(helper.customer)] == [("staff", shop.id)]
    staff_browser = browsers(client)
    await staff_browser.login(helper.email, PASSWORD)
    status, _ = await staff_browser.get(f"/admin/shops/{shop.id}/orders")
    assert status == 200
    # The only owner cannot be removed or demoted.
    owner_role = await StaffRole.get(customer_id=owner.customer.id, shop_id=shop.id)
    status, html, _ = await browser.post(f"{base}/{owner_role.id}/delete", form_page=base)
    assert status == 409
    status, _, _ = await browser.post(base, {"identifier": owner.email, "role": "staff"})
    assert status == 409
    assert (await StaffRole.get(id=owner_role.id)).role == OWNER
    status, _, _ = await browser.post(base, {"identifier": "ghost@example.com", "role": "staff"})
    assert status == 422
    helper_role = await StaffRole.get(customer_id=helper.customer.id, shop_id=shop.id)
    status, _, _ = await browser.post(f"{base}/{helper_role.id}/delete", form_page=base)
    assert status == 303
    assert await roles_for(helper.customer) == []
