"""The buyer's distributor center: program, joining, amounts, customers, withdrawals."""

from __future__ import annotations

import re
from html import unescape

from shequ.core.distribution.binding import bind_by_code
from shequ.core.distribution.ledger import balances
from shequ.core.distribution.models import Distributor, LedgerEntry, Withdrawal
from shequ.core.shops.scope import shop_scope
from shequ.core.storefront.slots import fill_slot
from shequ.core.storefront.views import ShopView
from tests.core.admin.support import make_person, make_shop
from tests.core.distribution.factory import (
    active_distributor,
    complete,
    customer,
    main_shop,
    pay,
    place_order,
)
from tests.plugins.distribution_pages.support import dist_settings, earn, sign_in_customer


def center(shop_id: int) -> str:
    return f"/p/distribution/{shop_id}/"


def amount_shown(html: str, bucket: str) -> str:
    match = re.search(rf'data-bucket="{bucket}">([^<]*)<', html)
    assert match, bucket
    return unescape(match.group(1))


async def signed_in(admin_app, browsers, settings=None, **dist):
    client, runtime = await admin_app(settings or dist_settings(**dist))
    person = await make_person(name="小红")
    browser = browsers(client)
    await sign_in_customer(browser, person.email)
    return runtime, browser, person


async def distributor_count(shop_id: int) -> int:
    with shop_scope(shop_id):
        return await Distributor.all().count()


async def test_a_signed_out_visitor_is_sent_to_login(admin_app, browsers):
    client, _ = await admin_app(dist_settings())
    shop = await main_shop()
    status, _ = await browsers(client).get(center(shop))
    response = await client.get(center(shop), allow_redirects=False)
    assert status == 303
    assert response.headers["Location"] == f"/login?next=/p/distribution/{shop}/"


async def test_no_center_for_an_unknown_shop_or_without_the_plugin(admin_app, browsers):
    _, browser, _ = await signed_in(admin_app, browsers)
    assert (await browser.get(center(999_999)))[0] == 404
    client, _ = await admin_app({"plugins": {"enabled": []}})
    assert (await client.get(center(await main_shop()), allow_redirects=False)).status == 404


async def test_a_customer_reads_the_program_and_joins_an_open_shop(admin_app, browsers):
    runtime, browser, person = await signed_in(admin_app, browsers)
    shop = await main_shop()
    status, html = await browser.get(center(shop))
    assert status == 200
    assert "加入完全免费" in html and "真实付款" in html and "最多计算 1 级" in html
    assert f'action="/p/distribution/{shop}/join"' in html

    status, _, location = await browser.post(center(shop) + "join", form_page=center(shop))
    assert status == 303 and location == center(shop) + "?done=joined"
    with shop_scope(shop):
        distributor = await Distributor.get(customer_id=person.customer.id)
    assert distributor.status == "active"
    status, html = await browser.get(location)
    assert status == 200 and distributor.code in html and "欢迎加入" in html
    assert f'src="/api/v1/distribution/shops/{shop}/qr.png"' in html
    # The QR image the page points at is served to the same browser.
    async with browser.session.get(browser.url(f"/api/v1/distribution/shops/{shop}/qr.png")) as r:
        assert r.status == 200 and r.content_type == "image/png"


async def test_joining_without_the_form_token_is_refused(admin_app, browsers):
    _, browser, _ = await signed_in(admin_app, browsers)
    shop = await main_shop()
    status, _, _ = await browser.post(center(shop) + "join", csrf=False)
    assert status == 403
    assert await distributor_count(shop) == 0


async def test_approval_shops_take_applications(admin_app, browsers):
    _, browser, person = await signed_in(admin_app, browsers, enrollment="approval")
    shop = await main_shop()
    status, html = await browser.get(center(shop))
    assert "需要店主审核" in html and "申请加入" in html
    status, _, location = await browser.post(center(shop) + "join", form_page=center(shop))
    assert status == 303 and location.endswith("?done=applied")
    status, html = await browser.get(center(shop))
    assert 'data-enrollment="pending"' in html and 'name="amount"' not in html
    with shop_scope(shop):
        assert (await Distributor.get(customer_id=person.customer.id)).status == "pending"


async def test_invite_only_shops_explain_and_refuse_a_join_without_a_valid_code(
    admin_app, browsers
):
    _, browser, person = await signed_in(admin_app, browsers, enrollment="invite")
    shop = await main_shop()
    status, html = await browser.get(center(shop))
    assert 'data-enrollment="invite"' in html and 'name="invite_code"' in html
    status, html, _ = await browser.post(center(shop) + "join", form_page=center(shop))
    assert status == 403 and "invitation" in html
    status, html, _ = await browser.post(
        center(shop) + "join", {"invite_code": "NOPE<b>"}, form_page=center(shop)
    )
    assert status == 422 and "NOPE&lt;b&gt;" in html and "<b>" not in html
    assert await distributor_count(shop) == 0
    inviter = await active_distributor(shop)
    status, _, _ = await browser.post(
        center(shop) + "join", {"invite_code": inviter.code}, form_page=center(shop)
    )
    assert status == 303
    with shop_scope(shop):
        joined = await Distributor.get(customer_id=person.customer.id)
    assert joined.status == "active" and joined.invited_by_id == inviter.customer_id


async def test_a_distributor_sees_amounts_matching_the_ledger_and_masked_customers(
    admin_app, browsers
):
    runtime, browser, person = await signed_in(admin_app, browsers, rates=[10])
    shop = await main_shop()
    me = await active_distributor(shop, person.customer.id)
    buyer = await customer("王小明")
    assert (await bind_by_code(runtime, buyer, me.code)).outcome == "bound"
    paid = await place_order(runtime, shop, buyer, [(10_000, 1)])
    await pay(runtime, paid)  # 10.00 pending
    done = await place_order(runtime, shop, buyer, [(5_000, 2)])
    await pay(runtime, done)
    await complete(runtime, done)  # 10.00 frozen
    await earn(shop, person.customer.id, "available", 2_345)
    await earn(shop, person.customer.id, "withdrawn", 1_000)

    status, html = await browser.get(center(shop))
    assert status == 200
    ledger = await balances(shop, person.customer.id)
    assert ledger["pending"] == 1_000 and ledger["frozen"] == 1_000
    for bucket, fen in ledger.items():
        yuan = f"{fen // 100}.{fen % 100:02d}"
        assert yuan in amount_shown(html, bucket), (bucket, amount_shown(html, bucket))
    assert "王**" in html and "王小明" not in html
    assert "我带来的客户（1）" in html
    assert paid.number in html and done.number in html
    assert me.code in html and f"/?ref={me.code}" in html


async def test_the_withdrawal_form_validates_and_requests_once(admin_app, browsers):
    runtime, browser, person = await signed_in(
        admin_app, browsers, withdraw_min=500, withdraw_daily_cap=10_000
    )
    shop = await main_shop()
    await active_distributor(shop, person.customer.id)
    await earn(shop, person.customer.id, "available", 3_000)
    with shop_scope(shop):
        entries_before = await LedgerEntry.all().count()

    url = center(shop) + "withdraw"
    for amount, message in (
        ("", "请输入提现金额"),
        ("abc", "请输入正确的金额"),
        ("1.234", "请输入正确的金额"),
        ("-5", "请输入正确的金额"),
        ("0", "必须大于 0"),
        ("4.99", "最低提现金额为 5.00 元"),
        ("100.01", "最多提现 100.00 元"),
        ("30.01", "可提现金额只有 30.00 元"),
    ):
        status, html, _ = await browser.post(url, {"amount": amount}, form_page=center(shop))
        assert status == 422, (amount, status)
        assert message in html, amount
    with shop_scope(shop):
        assert await Withdrawal.all().count() == 0
        assert await LedgerEntry.all().count() == entries_before

    form = {"amount": "12.50", "request_key": "same-form"}
    for _ in range(2):  # a double-submitted form
        status, _, location = await browser.post(url, form, form_page=center(shop))
        assert status == 303 and location.endswith("?done=withdrawal")
    with shop_scope(shop):
        (w,) = await Withdrawal.all()
    assert (w.amount, w.state) == (1_250, "requested")
    status, html = await browser.get(location)
    assert 'data-state="requested"' in html and "¥12.50" in html
    assert "17.50" in amount_shown(html, "available")


async def test_the_account_menu_links_to_the_center_of_the_shop_viewed(admin_app):
    _, runtime = await admin_app(dist_settings())
    first = await main_shop()
    other = await make_shop("乙店")
    html = await fill_slot(runtime, "account.menu", {"shop": ShopView.of(other)})
    assert f'<a href="/p/distribution/{other.id}/">分销中心</a>' in html
    html = await fill_slot(runtime, "account.menu", {"shop": None})
    assert f'href="/p/distribution/{first}/"' in html
    assert await fill_slot(runtime, "product.after_price", {"shop": None}) == ""
