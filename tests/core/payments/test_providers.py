"""Choosing and starting a payment provider; plugin providers; manual confirmation."""

from __future__ import annotations

import datetime as dt

import pytest

from shequ.core.orders import service
from shequ.core.orders.errors import Conflict, NotFound
from shequ.core.orders.models import Order, OrderState, OrderTransition
from shequ.core.payments.manual import confirm_manual_payment
from shequ.core.payments.models import Payment, PaymentState
from shequ.core.payments.providers import PaymentProvider, providers
from shequ.core.payments.service import start_payment
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.orders.commerce import (
    bearer,
    error_of,
    make_customer,
    make_shop,
    make_sku,
    place,
    plugin,
    reload,
    with_plugins,
)


class FakeWechatPay:
    code = "wechat_pay"

    async def start(self, runtime, payment, request_info):
        return {"jsapi": {"package": f"prepay_id={payment.reference}"}}

    async def parse_notification(self, runtime, request):
        raise NotImplementedError

    async def refund(self, runtime, refund):
        return f"WXR{refund.id}"

    async def query(self, runtime, payment):
        return PaymentState.PENDING


def prefer_wechat(payment_id, requested, user_agent):
    return "wechat_pay" if "MicroMessenger" in user_agent else None


async def test_plugin_provider_chosen_by_the_decide_hook(commerce_app):
    wechat = plugin(
        "wechat",
        shequ_payment_providers=lambda: [FakeWechatPay()],
        shequ_choose_payment_provider=prefer_wechat,
    )
    client, runtime = await commerce_app(**with_plugins(wechat))
    assert isinstance((await providers(runtime))["wechat_pay"], PaymentProvider)
    customer = await make_customer()
    headers = await bearer(customer)
    reference = (await place(runtime, customer, (await make_sku(await make_shop()), 1))).payment
    reference = reference.reference
    inside = {**headers, "User-Agent": "Mozilla/5.0 MicroMessenger/8.0"}
    response = await client.post(
        f"/api/v1/payments/{reference}/start", json={"provider": "manual"}, headers=inside
    )
    body = await response.json()
    assert body["provider"] == "wechat_pay"  # the hook wins over the buyer's pick
    assert body["action"] == {"jsapi": {"package": f"prepay_id={reference}"}}
    response = await client.post(
        f"/api/v1/payments/{reference}/start", json={"provider": "manual"}, headers=headers
    )
    assert (await response.json())["provider"] == "manual"  # outside WeChat: the buyer's pick
    assert (await Payment.get(reference=reference)).provider == "manual"


async def test_a_hook_naming_a_missing_provider_is_409(commerce_app):
    client, runtime = await commerce_app(
        **with_plugins(plugin("broken", shequ_choose_payment_provider=lambda: "alipay"))
    )
    customer = await make_customer()
    placed = await place(runtime, customer, (await make_sku(await make_shop()), 1))
    response = await client.post(
        f"/api/v1/payments/{placed.payment.reference}/start",
        json={},
        headers=await bearer(customer),
    )
    assert response.status == 409
    assert error_of(await response.json())["code"] == "provider_unavailable"


async def test_only_the_payer_can_start_and_only_in_time(runtime):
    owner, stranger = await make_customer(), await make_customer()
    placed = await place(runtime, owner, (await make_sku(await make_shop()), 1))
    with pytest.raises(NotFound):
        await start_payment(runtime, stranger.id, placed.payment.reference)
    late = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    with pytest.raises(Conflict) as caught:
        await start_payment(runtime, owner.id, placed.payment.reference, now=late)
    assert caught.value.code == "payment_expired"
    started = await start_payment(runtime, owner.id, placed.payment.reference)
    assert started["provider"] == "sandbox"  # the local default


async def test_cancelled_orders_split_off_a_fresh_payment(runtime):
    customer = await make_customer()
    a, b = await make_shop(), await make_shop()
    placed = await place(
        runtime, customer, (await make_sku(a, price=1000), 1), (await make_sku(b, price=300), 1)
    )
    first, second = placed.orders
    await service.buyer_cancel(runtime, customer.id, first.number)
    started = await start_payment(runtime, customer.id, placed.payment.reference)
    assert started["reference"] != placed.payment.reference
    assert (started["amount"], started["orders"]) == (300, [second.number])
    assert (await Payment.get(id=placed.payment.id)).state == PaymentState.CANCELLED
    assert (await reload(second)).payment_id == (
        await Payment.get(reference=started["reference"])
    ).id


async def test_manual_confirmation_records_who_and_is_idempotent(runtime):
    shop = await make_shop()
    customer = await make_customer()
    placed = await place(runtime, customer, (await make_sku(shop, price=5000), 1))
    await start_payment(runtime, customer.id, placed.payment.reference, requested="manual")
    other = await make_shop()
    with pytest.raises(NotFound):
        await confirm_manual_payment(
            runtime, placed.payment.reference, actor="staff:8", shop_id=other.id
        )
    first = await confirm_manual_payment(
        runtime, placed.payment.reference, actor="staff:7", shop_id=shop.id, note="微信转账"
    )
    again = await confirm_manual_payment(runtime, placed.payment.reference, actor="staff:7")
    assert (first.code, first.replayed, again.code, again.replayed) == ("paid", False, "paid", True)
    (order,) = placed.orders
    with shop_scope(shop.id):
        (paid,) = await OrderTransition.filter(order_id=order.id, to_state=OrderState.PAID)
    assert paid.actor == "provider:manual"
    payment = await Payment.get(id=placed.payment.id)
    assert payment.provider_ref == "confirmed by staff:7"
    from shequ.core.payments.models import PaymentNotification

    note = await PaymentNotification.get(payment_id=payment.id)
    assert note.payload["raw"] == {"confirmed_by": "staff:7", "note": "微信转账"}


async def test_manual_confirmation_of_a_provider_payment_is_refused(runtime):
    customer = await make_customer()
    placed = await place(runtime, customer, (await make_sku(await make_shop()), 1))
    await start_payment(runtime, customer.id, placed.payment.reference, requested="sandbox")
    with pytest.raises(Conflict) as caught:
        await confirm_manual_payment(runtime, placed.payment.reference, actor="staff:1")
    assert caught.value.code == "not_manual"
    with shop_scope(ALL_SHOPS):
        assert (await Order.get(id=placed.orders[0].id)).state == OrderState.PENDING_PAYMENT
