"""Order pages and actions through the forms: each transition records the staff actor, and
a refused action is a 4xx that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from shequ.core.accounts.service import OPERATOR, OWNER, STAFF
from shequ.core.admin.rendering import CHINA_TIME
from shequ.core.orders.models import OrderLine, OrderState, OrderTransition, Shipment
from shequ.core.orders.service import request_refund
from shequ.core.payments.models import Payment, Refund
from shequ.core.shops.scope import shop_scope
from tests.core.admin.support import (
    make_person,
    make_product,
    make_shop,
    order_state,
    paid_order,
    place,
    reload,
    sku_of,
)


@pytest.fixture
async def shop_desk(admin_app, browsers):
    """A shop with a product, a staff member signed in, and a buyer."""
    client, runtime = await admin_app()
    shop = await make_shop()
    product = await make_product(runtime, shop, price=1000, stock=20)
    staff = await make_person(STAFF, shop)
    browser = browsers(client)
    await browser.login(staff.email)
    buyer = (await make_person(name="买家")).customer
    return {
        "client": client,
        "runtime": runtime,
        "shop": shop,
        "product": product,
        "staff": staff,
        "browser": browser,
        "buyer": buyer,
        "base": f"/admin/shops/{shop.id}",
    }


async def history(order) -> list[tuple[str, str, str]]:
    with shop_scope(order.shop_id):
        return (
            await OrderTransition.filter(order_id=order.id)
            .order_by("id")
            .values_list("from_state", "to_state", "actor")
        )


async def test_ship_then_refund_record_the_staff_actor(shop_desk):
    d = shop_desk
    order = await paid_order(d["runtime"], d["buyer"], (d["product"], 2))
    actor = f"staff:{d['staff'].customer.id}"
    path = f"{d['base']}/orders/{order.id}"
    status, html = await d["browser"].get(path)
    assert status == 200 and order.number in html and "发货" in html

    status, body, location = await d["browser"].post(
        f"{path}/ship", {"carrier": "顺丰速运", "tracking_number": "SF123456"}, form_page=path
    )
    assert status == 303 and location == path, body
    with shop_scope(order.shop_id):
        shipment = await Shipment.get(order_id=order.id)
    assert (shipment.carrier, shipment.tracking_number) == ("顺丰速运", "SF123456")
    assert (await history(order))[-1] == (OrderState.PAID, OrderState.SHIPPED, actor)

    # A partial refund keeps the state; refunding the rest moves it to refunded.
    status, body, _ = await d["browser"].post(
        f"{path}/refund", {"amount": "5.00", "reason": "少发一件"}, form_page=path
    )
    assert status == 303, body
    order = await reload(order)
    assert (order.state, order.refunded_amount) == (OrderState.SHIPPED, 500)
    with shop_scope(order.shop_id):
        refund = await Refund.get(order_id=order.id)
    assert (refund.actor, refund.reason, refund.amount) == (actor, "少发一件", 500)
    status, _, _ = await d["browser"].post(f"{path}/refund", {}, form_page=path)
    order = await reload(order)
    assert (order.state, order.refunded_amount) == (OrderState.REFUNDED, 2000)
    assert (await history(order))[-1] == (OrderState.SHIPPED, OrderState.REFUNDED, actor)
    status, html = await d["browser"].get(path)
    assert html.count(actor) >= 3  # history and refunds show who did it


async def test_per_line_refund(shop_desk):
    d = shop_desk
    other = await make_product(d["runtime"], d["shop"], title="梨", price=300)
    order = await paid_order(d["runtime"], d["buyer"], (d["product"], 1), (other, 2))
    with shop_scope(order.shop_id):
        lines = {line.title: line for line in await OrderLine.filter(order_id=order.id)}
    path = f"{d['base']}/orders/{order.id}"
    status, body, _ = await d["browser"].post(
        f"{path}/refund", {f"line-{lines['梨'].id}": "3.00"}, form_page=path
    )
    assert status == 303, body
    with shop_scope(order.shop_id):
        pear = await OrderLine.get(id=lines["梨"].id)
        apple = await OrderLine.get(id=lines["苹果"].id)
    assert (pear.refunded_amount, apple.refunded_amount) == (300, 0)


async def test_cancel_paid_order_refunds_everything_and_returns_stock(shop_desk):
    d = shop_desk
    order = await paid_order(d["runtime"], d["buyer"], (d["product"], 3))
    assert (await sku_of(d["product"])).stock == 17
    path = f"{d['base']}/orders/{order.id}"
    status, body, _ = await d["browser"].post(f"{path}/cancel", {"reason": "缺货"}, form_page=path)
    assert status == 303, body
    order = await reload(order)
    assert (order.state, order.refunded_amount) == (OrderState.CANCELLED, 3000)
    actor = f"staff:{d['staff'].customer.id}"
    assert (await history(order))[-1] == (OrderState.PAID, OrderState.CANCELLED, actor)
    assert (await sku_of(d["product"])).stock == 20


async def test_cancel_unpaid_and_confirm_manual_payment(shop_desk):
    d = shop_desk
    (first,) = await place(d["runtime"], d["buyer"], (d["product"], 1))
    (second,) = await place(d["runtime"], d["buyer"], (d["product"], 1))
    actor = f"staff:{d['staff'].customer.id}"
    path = f"{d['base']}/orders/{first.id}"
    status, _, _ = await d["browser"].post(f"{path}/cancel", {}, form_page=path)
    assert status == 303
    assert (await history(first))[-1] == (OrderState.PENDING_PAYMENT, OrderState.CANCELLED, actor)

    path = f"{d['base']}/orders/{second.id}"
    status, html = await d["browser"].get(path)
    assert "确认已收款" in html
    status, body, _ = await d["browser"].post(
        f"{path}/confirm-payment", {"note": "微信转账"}, form_page=path
    )
    assert status == 303, body
    second = await reload(second)
    assert second.state == OrderState.PAID and second.paid_amount == 1000
    payment = await Payment.get(id=second.payment_id)
    assert actor in payment.provider_ref


async def test_refused_actions_are_4xx_and_change_nothing(shop_desk):
    d = shop_desk
    order = await paid_order(d["runtime"], d["buyer"], (d["product"], 1))
    path = f"{d['base']}/orders/{order.id}"
    before = await order_state(order)
    for action, data, expected in [
        ("refund", {"amount": "10.01"}, 422),  # more than was paid
        ("refund", {"amount": "abc"}, 422),
        ("refund", {"amount": "0"}, 422),
        ("ship", {"carrier": "", "tracking_number": "SF1"}, 422),
        ("ship", {"carrier": "顺丰速运", "tracking_number": "x" * 65}, 422),
        ("confirm-payment", {}, 409),  # already paid
    ]:
        status, html, _ = await d["browser"].post(f"{path}/{action}", data, form_page=path)
        assert status == expected, (action, data, status)
        assert 'class="flash error"' in html
    assert await order_state(order) == before
    # Shipping twice: the second is an illegal transition.
    await d["browser"].post(
        f"{path}/ship", {"carrier": "顺丰速运", "tracking_number": "SF1"}, form_page=path
    )
    after_ship = await order_state(order)
    status, html, _ = await d["browser"].post(
        f"{path}/ship", {"carrier": "顺丰速运", "tracking_number": "SF2"}, form_page=path
    )
    assert status == 409
    assert await order_state(order) == after_ship


async def test_a_double_submitted_refund_form_refunds_once(shop_desk):
    d = shop_desk
    order = await paid_order(d["runtime"], d["buyer"], (d["product"], 1))
    path = f"{d['base']}/orders/{order.id}"
    form = {"amount": "2.00", "refund_key": "same-render"}
    for _ in range(2):
        status, _, _ = await d["browser"].post(f"{path}/refund", form, form_page=path)
        assert status == 303
    order = await reload(order)
    assert order.refunded_amount == 200


async def test_buyer_refund_request_is_decided_in_the_admin(shop_desk):
    d = shop_desk
    order = await paid_order(d["runtime"], d["buyer"], (d["product"], 2))
    request = await request_refund(
        d["runtime"], d["buyer"].id, order.number, amount=700, reason="坏了一个"
    )
    path = f"{d['base']}/orders/{order.id}"
    status, html = await d["browser"].get(path)
    assert "坏了一个" in html
    status, body, _ = await d["browser"].post(
        f"{path}/refund-requests/{request.id}", {"decision": "approve"}, form_page=path
    )
    assert status == 303, body
    assert (await reload(order)).refunded_amount == 700


async def test_order_list_filters(shop_desk):
    d = shop_desk
    paid = await paid_order(d["runtime"], d["buyer"], (d["product"], 1))
    (unpaid,) = await place(d["runtime"], d["buyer"], (d["product"], 1))
    browser, base = d["browser"], d["base"]
    status, html = await browser.get(f"{base}/orders?state=paid")
    assert paid.number in html and unpaid.number not in html
    status, html = await browser.get(f"{base}/orders?number={unpaid.number[-6:]}")
    assert unpaid.number in html
    today = dt.datetime.now(CHINA_TIME).date()
    status, html = await browser.get(f"{base}/orders?from={today}&to={today}")
    assert paid.number in html and unpaid.number in html
    tomorrow = today + dt.timedelta(days=1)
    status, html = await browser.get(f"{base}/orders?from={tomorrow}")
    assert paid.number not in html
    status, html = await browser.get(f"{base}/orders?from=yesterday")
    assert status == 400 and "from" in html


async def test_operator_and_owner_actors(admin_app, browsers):
    client, runtime = await admin_app()
    shop = await make_shop()
    product = await make_product(runtime, shop)
    buyer = (await make_person()).customer
    for role in (OWNER, OPERATOR):
        person = await make_person(role, shop if role == OWNER else None)
        browser = browsers(client)
        await browser.login(person.email)
        order = await paid_order(runtime, buyer, (product, 1))
        path = f"/admin/shops/{shop.id}/orders/{order.id}"
        status, _, _ = await browser.post(
            f"{path}/ship", {"carrier": "EMS", "tracking_number": "E1"}, form_page=path
        )
        assert status == 303
        prefix = "operator" if role == OPERATOR else "staff"
        assert (await history(order))[-1][2] == f"{prefix}:{person.customer.id}"
