"""Share links (?ref=CODE) on any storefront page bind the visitor, even a guest who signs
in afterwards; a forged code changes nothing and the page is served as usual."""

from __future__ import annotations

from shequ.core.distribution.models import Binding
from shequ.core.shops.scope import shop_scope
from tests.core.admin.support import make_person
from tests.core.distribution.factory import active_distributor, main_shop
from tests.plugins.distribution_pages.support import dist_settings, sign_in_customer


async def binding_of(shop_id: int, customer_id: int) -> int | None:
    with shop_scope(shop_id):
        row = await Binding.get_or_none(customer_id=customer_id)
    return row.referrer_id if row is not None else None


async def test_guest_opens_a_share_link_then_signs_in_and_is_bound(admin_app, browsers):
    client, _ = await admin_app(dist_settings())
    shop = await main_shop()
    promoter = await active_distributor(shop)
    buyer = await make_person(name="小明")
    browser = browsers(client)

    status, _ = await browser.get(f"/?ref={promoter.code}")
    assert status == 200
    assert await binding_of(shop, buyer.customer.id) is None  # a guest: nobody to bind yet

    await sign_in_customer(browser, buyer.email)
    status, _ = await browser.get("/")
    assert status == 200
    assert await binding_of(shop, buyer.customer.id) == promoter.customer_id


async def test_signed_in_visitor_is_bound_at_once_and_forged_codes_are_ignored(admin_app, browsers):
    client, _ = await admin_app(dist_settings())
    shop = await main_shop()
    promoter = await active_distributor(shop)
    buyer = await make_person(name="小明")
    browser = browsers(client)
    await sign_in_customer(browser, buyer.email)

    status, _ = await browser.get("/?ref=FORGED-CODE")
    assert status == 200
    assert await binding_of(shop, buyer.customer.id) is None

    status, _ = await browser.get(f"/?ref={promoter.code}")
    assert status == 200
    assert await binding_of(shop, buyer.customer.id) == promoter.customer_id
