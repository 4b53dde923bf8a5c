"""Payment notifications over HTTP: the sandbox end to end, forgeries, replays, mismatches."""

from __future__ import annotations

import asyncio
import re

from shequ.core.orders.models import OrderState, OrderTransition
from shequ.core.payments.models import Payment, PaymentNotification, PaymentState
from shequ.core.payments.sandbox import notification_body, sign
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.orders.commerce import (
    bearer,
    error_of,
    make_customer,
    make_shop,
    make_sku,
    place,
    reload,
    snapshot,
)

NOTIFY = "/api/v1/payments/notify/sandbox"


async def placed_order(runtime, *lines_price: int):
    shop = await make_shop()
    customer = await make_customer()
    lines = [(await make_sku(shop, price=price), 1) for price in lines_price or (2500,)]
    placed = await place(runtime, customer, *lines)
    return customer, placed


async def paid_transitions(order) -> int:
    with shop_scope(ALL_SHOPS):
        return await OrderTransition.filter(order_id=order.id, to_state=OrderState.PAID).count()


async def test_sandbox_pays_through_the_real_notification_endpoint(commerce_app):
    client, runtime = await commerce_app()
    a, b = await make_shop(), await make_shop()
    customer = await make_customer()
    headers = await bearer(customer)
    placed = await place(
        runtime, customer, (await make_sku(a, price=1000), 1), (await make_sku(b, price=500), 2)
    )
    reference = placed.payment.reference

    response = await client.post(f"/api/v1/payments/{reference}/start", json={}, headers=headers)
    assert response.status == 200
    started = await response.json()
    assert started["provider"] == "sandbox" and started["amount"] == 2000
    pay_url = started["action"]["pay_url"]
    assert pay_url == f"/pay/sandbox/{reference}"

    page = await client.get(pay_url)
    html = await page.text()
    assert page.status == 200 and "CNY 20.00" in html and "pending" in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token, "the pay form carries a CSRF token"
    form = {"action": "pay", "csrf_token": token.group(1)}
    paid = await client.post(pay_url, data=form, allow_redirects=True)
    assert paid.status == 200
    assert "Result: <strong>paid</strong>" in await paid.text()

    payment = await Payment.get(id=placed.payment.id)
    assert (payment.state, payment.paid_amount, payment.provider) == ("succeeded", 2000, "sandbox")
    for order in placed.orders:
        order = await reload(order)
        assert order.state == OrderState.PAID and order.paid_amount == order.total
    (note,) = await PaymentNotification.all()
    assert (note.provider, note.outcome, note.payment_id) == ("sandbox", "paid", payment.id)
    # A paid payment cannot be started again.
    response = await client.post(f"/api/v1/payments/{reference}/start", json={}, headers=headers)
    assert response.status == 409


async def test_forged_notification_is_400_and_changes_nothing(commerce_app):
    client, runtime = await commerce_app()
    _, placed = await placed_order(runtime)
    body = notification_body(runtime, placed.payment)
    before = await snapshot()
    forged = {"data": {**body["data"], "amount": 1}, "signature": body["signature"]}
    unsigned = {"data": body["data"]}
    wrong_key = {"data": body["data"], "signature": "0" * 64}
    for attempt in (forged, unsigned, wrong_key):
        response = await client.post(NOTIFY, json=attempt)
        assert response.status == 400
        assert error_of(await response.json())["code"] == "invalid_notification"
    response = await client.post(NOTIFY, data=b"<xml>not json</xml>")
    assert response.status == 400
    assert await snapshot() == before


async def test_replayed_notification_is_one_transition(commerce_app):
    client, runtime = await commerce_app()
    _, placed = await placed_order(runtime)
    body = notification_body(runtime, placed.payment)
    answers = []
    for _ in range(10):
        response = await client.post(NOTIFY, json=body)
        assert response.status == 200
        answers.append(await response.json())
    assert answers[0] == {
        "outcome": "paid",
        "reference": placed.payment.reference,
        "replayed": False,
    }
    assert all(a == {**answers[0], "replayed": True} for a in answers[1:])
    assert await paid_transitions(placed.orders[0]) == 1
    assert await PaymentNotification.all().count() == 1


async def test_providers_may_post_any_content_type(commerce_app):
    """The endpoint is authenticated by the signature, not by CSRF rules for browsers."""
    client, runtime = await commerce_app()
    _, placed = await placed_order(runtime)
    import json

    raw = json.dumps(notification_body(runtime, placed.payment))
    response = await client.post(NOTIFY, data=raw, headers={"Content-Type": "text/plain"})
    assert response.status == 200 and (await response.json())["outcome"] == "paid"


async def test_concurrent_replays_are_one_transition(commerce_app):
    client, runtime = await commerce_app()
    _, placed = await placed_order(runtime, 1000, 2000)
    body = notification_body(runtime, placed.payment)
    responses = await asyncio.gather(*[client.post(NOTIFY, json=body) for _ in range(10)])
    assert [r.status for r in responses] == [200] * 10
    outcomes = [await r.json() for r in responses]
    assert {o["outcome"] for o in outcomes} == {"paid"}
    assert sum(not o["replayed"] for o in outcomes) == 1
    for order in placed.orders:
        assert await paid_transitions(order) == 1


async def test_a_second_notification_for_a_paid_payment_changes_nothing(commerce_app):
    client, runtime = await commerce_app()
    _, placed = await placed_order(runtime)
    await client.post(NOTIFY, json=notification_body(runtime, placed.payment))
    response = await client.post(NOTIFY, json=notification_body(runtime, placed.payment))
    assert response.status == 200 and (await response.json())["outcome"] == "already_paid"
    assert await paid_transitions(placed.orders[0]) == 1


def signed(runtime, **data):
    return {"data": data, "signature": sign(runtime, data)}


async def test_amount_and_currency_mismatches_are_recorded_and_pay_nothing(commerce_app):
    client, runtime = await commerce_app()
    _, placed = await placed_order(runtime)
    good = notification_body(runtime, placed.payment)["data"]
    before = await snapshot()
    cases = [
        ({**good, "notification_id": "n-amount", "amount": good["amount"] - 1}, "amount_mismatch"),
        ({**good, "notification_id": "n-cur", "currency": "USD"}, "currency_mismatch"),
        ({**good, "notification_id": "n-ref", "reference": "PNOSUCH"}, "unknown_payment"),
    ]
    for data, code in cases:
        for _ in range(2):  # the replay gets the same answer
            response = await client.post(NOTIFY, json=signed(runtime, **data))
            assert response.status == 400
            assert error_of(await response.json())["code"] == code
    recorded = dict(await PaymentNotification.all().values_list("notification_id", "outcome"))
    assert recorded == {
        "n-amount": "amount_mismatch",
        "n-cur": "currency_mismatch",
        "n-ref": "unknown_payment",
    }
    after = await snapshot()
    assert after.pop("PaymentNotification") == 3
    before.pop("PaymentNotification")
    assert after == before  # nothing paid, no transition


async def test_failed_payment_notification_leaves_the_order_unpaid(commerce_app):
    client, runtime = await commerce_app()
    _, placed = await placed_order(runtime)
    body = notification_body(runtime, placed.payment, status="failed")
    response = await client.post(NOTIFY, json=body)
    assert response.status == 200 and (await response.json())["outcome"] == "failed"
    assert (await Payment.get(id=placed.payment.id)).state == PaymentState.PENDING
    assert (await reload(placed.orders[0])).state == OrderState.PENDING_PAYMENT


async def test_unknown_provider_is_404(commerce_app):
    client, runtime = await commerce_app()
    response = await client.post("/api/v1/payments/notify/nosuch", json={})
    assert response.status == 404
    assert error_of(await response.json())["code"] == "unknown_provider"
    response = await client.post("/api/v1/payments/notify/manual", json={})
    assert response.status == 400


async def test_sandbox_is_off_for_public_deployments(commerce_app):
    client, runtime = await commerce_app({"platform": {"base_url": "https://shop.example.com"}})
    customer, placed = await placed_order(runtime)
    headers = await bearer(customer)
    response = await client.post(NOTIFY, json=notification_body(runtime, placed.payment))
    assert response.status == 400
    assert (await client.get(f"/pay/sandbox/{placed.payment.reference}")).status == 404
    response = await client.post(
        f"/api/v1/payments/{placed.payment.reference}/start",
        json={"provider": "sandbox"},
        headers=headers,
    )
    assert response.status == 422
    assert error_of(await response.json())["code"] == "unknown_provider"
    response = await client.post(
        f"/api/v1/payments/{placed.payment.reference}/start", json={}, headers=headers
    )
    assert (await response.json())["provider"] == "manual"
