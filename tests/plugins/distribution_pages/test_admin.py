"""The seller's distribution pages: guarded per shop, forms change state, CSV exports."""

from __future__ import annotations

import csv
import io

from shequ.core.accounts.service import OWNER, STAFF
from shequ.core.distribution.enrollment import enroll
from shequ.core.distribution.ledger import balances
from shequ.core.distribution.models import Distributor, LedgerEntry, Withdrawal
from shequ.core.distribution.withdrawals import request_withdrawal
from shequ.core.shops.scope import shop_scope
from tests.core.admin.support import make_person, make_shop
from tests.core.distribution.factory import active_distributor, customer, pay, place_order
from tests.plugins.distribution_pages.support import dist_settings, earn


def page(shop_id: int, tail: str) -> str:
    return f"/admin/shops/{shop_id}/p/distribution/{tail}"


async def owner_browser(admin_app, browsers, role=OWNER, **settings):
    client, runtime = await admin_app(dist_settings(**settings))
    shop = await make_shop("甲店")
    person = await make_person(role, shop)
    browser = browsers(client)
    await browser.login(person.email)
    return runtime, client, browser, shop


async def status_of(shop_id: int, distributor_id: int) -> str:
    with shop_scope(shop_id):
        return (await Distributor.get(id=distributor_id)).status


async def test_owner_sees_only_own_shop_applications(admin_app, browsers):
    runtime, client, browser, shop_a = await owner_browser(
        admin_app, browsers, enrollment="approval"
    )
    shop_b = await make_shop("乙店")
    mine = await enroll(runtime, shop_a.id, await customer("甲的申请人"))
    await enroll(runtime, shop_b.id, await customer("乙的申请人"))

    status, html = await browser.get(f"/admin/shops/{shop_a.id}/")
    assert status == 200
    assert f'href="/admin/shops/{shop_a.id}/p/distribution/applications"' in html
    assert "分销·提现" in html and "export/commissions.csv" not in html  # exports: no menu entry

    status, html = await browser.get(page(shop_a.id, "applications"))
    assert status == 200 and "甲的申请人" in html and "乙的申请人" not in html
    assert f'data-distributor-id="{mine.id}"' in html

    status, html = await browser.get(page(shop_b.id, "applications"))
    assert status == 403 and "乙的申请人" not in html
    status, _ = await browser.get(page(shop_b.id, "export/relationships.csv"))
    assert status == 403


async def test_approving_and_rejecting_applications_through_the_forms(admin_app, browsers):
    runtime, _, browser, shop = await owner_browser(admin_app, browsers, enrollment="approval")
    first = await enroll(runtime, shop.id, await customer())
    second = await enroll(runtime, shop.id, await customer())
    form_page = page(shop.id, "applications")

    status, _, location = await browser.post(
        form_page, {"id": first.id, "action": "approve"}, form_page=form_page
    )
    assert status == 303 and location == form_page
    status, html = await browser.get(form_page)
    assert "已处理申请" in html and f'data-distributor-id="{first.id}"' not in html
    assert await status_of(shop.id, first.id) == "active"

    status, _, _ = await browser.post(
        form_page, {"id": second.id, "action": "reject", "reason": "资料不全"}, form_page=form_page
    )
    assert status == 303 and await status_of(shop.id, second.id) == "rejected"

    # Approving a rejected one is refused with the page and a 409; nothing changes.
    status, html, _ = await browser.post(
        form_page, {"id": second.id, "action": "approve"}, form_page=form_page
    )
    assert status == 409 and "Only pending applications" in html
    assert await status_of(shop.id, second.id) == "rejected"


async def test_bad_forms_are_refused_and_change_nothing(admin_app, browsers):
    runtime, _, browser, shop = await owner_browser(admin_app, browsers, enrollment="approval")
    applicant = await enroll(runtime, shop.id, await customer())
    other_shop = await make_shop("乙店")
    foreign = await enroll(runtime, other_shop.id, await customer())
    form_page = page(shop.id, "applications")
    for form in (
        {"id": applicant.id, "action": "delete"},
        {"id": "x", "action": "approve"},
        {"action": "approve"},
    ):
        status, html, _ = await browser.post(form_page, form, form_page=form_page)
        assert status == 422, form
    # Another shop's application is not found from this shop's page.
    status, _, _ = await browser.post(
        form_page, {"id": foreign.id, "action": "approve"}, form_page=form_page
    )
    assert status == 404
    assert await status_of(shop.id, applicant.id) == "pending"
    assert await status_of(other_shop.id, foreign.id) == "pending"
    # Without the form token: refused by the CSRF guard.
    status, _, _ = await browser.post(
        form_page, {"id": applicant.id, "action": "approve"}, csrf=False
    )
    assert status == 403 and await status_of(shop.id, applicant.id) == "pending"


async def test_shop_staff_can_look_but_not_decide(admin_app, browsers):
    runtime, _, browser, shop = await owner_browser(
        admin_app, browsers, role=STAFF, enrollment="approval"
    )
    applicant = await enroll(runtime, shop.id, await customer())
    form_page = page(shop.id, "applications")
    status, html = await browser.get(form_page)
    assert status == 200 and f'data-distributor-id="{applicant.id}"' in html
    assert 'value="approve"' not in html
    status, _, _ = await browser.post(
        form_page, {"id": applicant.id, "action": "approve"}, form_page=form_page
    )
    assert status == 403 and await status_of(shop.id, applicant.id) == "pending"
    status, _ = await browser.get(page(shop.id, "export/commissions.csv"))
    assert status == 403


async def test_suspending_and_reinstating_a_distributor(admin_app, browsers):
    _, _, browser, shop = await owner_browser(admin_app, browsers)
    distributor = await active_distributor(shop.id)
    form_page = page(shop.id, "distributors")
    status, html = await browser.get(form_page)
    assert status == 200 and distributor.code in html
    await browser.post(form_page, {"id": distributor.id, "action": "suspend"}, form_page=form_page)
    assert await status_of(shop.id, distributor.id) == "suspended"
    status, html = await browser.get(form_page + "?status=active")
    assert distributor.code not in html
    await browser.post(
        form_page, {"id": distributor.id, "action": "reinstate"}, form_page=form_page
    )
    assert await status_of(shop.id, distributor.id) == "active"


async def test_approving_and_rejecting_withdrawals_through_the_queue(admin_app, browsers):
    runtime, _, browser, shop = await owner_browser(admin_app, browsers, withdraw_min=100)
    person = (await active_distributor(shop.id, await customer("提现人"))).customer_id
    await earn(shop.id, person, "available", 5_000)
    paid = await request_withdrawal(runtime, shop.id, person, 2_000, "a")
    refused = await request_withdrawal(runtime, shop.id, person, 1_000, "b")
    form_page = page(shop.id, "withdrawals")

    status, html = await browser.get(form_page)
    assert status == 200 and "提现人" in html and "¥20.00" in html and "¥10.00" in html
    status, _, _ = await browser.post(
        form_page, {"id": paid.id, "action": "approve"}, form_page=form_page
    )
    assert status == 303
    status, _, _ = await browser.post(
        form_page, {"id": refused.id, "action": "reject", "reason": "信息有误"}, form_page=form_page
    )
    assert status == 303
    with shop_scope(shop.id):
        states = dict(await Withdrawal.all().values_list("id", "state"))
    assert states == {paid.id: "paid", refused.id: "rejected"}
    assert await balances(shop.id, person) == {
        "pending": 0,
        "frozen": 0,
        "available": 3_000,
        "withdrawing": 0,
        "withdrawn": 2_000,
    }
    status, html = await browser.get(form_page + "?state=rejected")
    assert f'data-withdrawal-id="{refused.id}"' in html and "信息有误" in html


async def test_the_ledger_filters_and_pages(admin_app, browsers):
    runtime, _, browser, shop = await owner_browser(admin_app, browsers)
    alice = (await active_distributor(shop.id, await customer("阿丽"))).customer_id
    bob = (await active_distributor(shop.id, await customer("阿博"))).customer_id
    for _ in range(25):
        await earn(shop.id, alice, "available", 100)
    await earn(shop.id, bob, "frozen", 700)
    with shop_scope(shop.id):
        bobs = await LedgerEntry.get(beneficiary_id=bob)
    url = page(shop.id, "ledger")

    status, html = await browser.get(url + f"?distributor={alice}")
    assert status == 200 and html.count('class="ledger-row"') == 20 and "阿博" not in html
    assert 'rel="next"' in html
    status, html = await browser.get(url + f"?distributor={alice}&page=2")
    assert html.count('class="ledger-row"') == 5 and 'rel="next"' not in html
    status, html = await browser.get(url + "?bucket=frozen")
    assert f'data-entry-id="{bobs.id}"' in html and html.count('class="ledger-row"') == 1
    status, html = await browser.get(url + "?since=2000-01-01&until=2000-01-02")
    assert status == 200 and 'class="ledger-row"' not in html
    for bad in ("?bucket=gold", "?since=yesterday", "?distributor=abc"):
        status, html = await browser.get(url + bad)
        assert status in (400, 422), bad


async def test_csv_exports_have_a_bom_a_header_and_rows(admin_app, browsers):
    runtime, client, browser, shop = await owner_browser(admin_app, browsers, rates=[10])
    referrer = await active_distributor(shop.id, await customer("推荐人"))
    buyer = await customer("买家")
    from shequ.core.distribution.binding import bind_by_code

    assert (await bind_by_code(runtime, buyer, referrer.code)).outcome == "bound"
    order = await place_order(runtime, shop.id, buyer, [(10_000, 1)])
    await pay(runtime, order)

    async with browser.session.get(browser.url(page(shop.id, "export/relationships.csv"))) as r:
        assert r.status == 200 and r.content_type == "text/csv"
        assert "attachment" in r.headers["Content-Disposition"]
        raw = await r.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["customer_id", "customer_nickname", "referrer_id", "referrer_nickname"]
    assert [row[1] for row in rows[1:]] == ["买家"] and rows[1][3] == "推荐人"

    async with browser.session.get(browser.url(page(shop.id, "export/commissions.csv"))) as r:
        raw = await r.read()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(c["order_number"], c["amount"], c["state"]) for c in rows] == [
        (order.number, "1000", "pending")
    ]
