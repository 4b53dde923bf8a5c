"""End to end: a customer opens a distributor's link, buys, the order completes, the
after-sales window passes, the commission becomes available, the distributor withdraws and
the seller approves. Payment, shipping and completion go through the orders service."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from tortoise.transactions import in_transaction

from shequ.core.accounts.tokens import issue_token
from shequ.core.appkeys import RUNTIME
from shequ.core.distribution import seller
from shequ.core.distribution.models import Commission
from shequ.core.orders.service import complete_order, pay_orders, ship_order
from shequ.core.payments.models import Payment
from shequ.core.shops.scope import shop_scope
from tests.core.distribution.factory import customer, drain, main_shop, place_order, plugins
from tests.core.distribution.invariants import assert_consistent


async def test_link_to_withdrawal(aiohttp_client, make_app):
    client = await aiohttp_client(make_app(plugins(rates=[10], settle_after_days=7)))
    runtime = client.server.app[RUNTIME]
    shop = await main_shop()
    base = f"/api/v1/distribution/shops/{shop}"
    seller_id = await customer("店主")
    promoter = await customer("小红")
    promoter_auth = {"Authorization": f"Bearer {await issue_token(promoter)}"}
    buyer = await customer("小明")
    buyer_auth = {"Authorization": f"Bearer {await issue_token(buyer)}"}

    # The promoter joins (free) and shares a link; the buyer opens it.
    joined = await (await client.post(f"{base}/enroll", json={}, headers=promoter_auth)).json()
    code = parse_qs(urlsplit(joined["link"]).query)["ref"][0]
    opened = await client.post("/api/v1/distribution/bind", json={"code": code}, headers=buyer_auth)
    assert (await opened.json())["outcome"] == "bound"

    # The buyer orders (chain snapshotted at placement) and pays.
    order = await place_order(runtime, shop, buyer, [(19_900, 2)], order_discount=1_800)
    assert order.referral_chain == [promoter]
    payment = await Payment.get(id=order.payment_id)
    async with in_transaction():
        paid, _ = await pay_orders(runtime, payment, actor="system")
    assert [o.id for o in paid] == [order.id]
    await drain(runtime)
    me = await (await client.get(f"{base}/me", headers=promoter_auth)).json()
    assert me["amounts"]["pending"] == 3_800  # 10% of the 38000 actually paid

    # Shipped, then received: the commission waits out the after-sales window.
    await ship_order(
        runtime, shop, order.id, carrier="顺丰", tracking_number="SF1", actor="staff:1"
    )
    await complete_order(runtime, shop, order.id, actor=f"customer:{buyer}")
    await drain(runtime)
    me = await (await client.get(f"{base}/me", headers=promoter_auth)).json()
    assert (me["amounts"]["pending"], me["amounts"]["frozen"]) == (0, 3_800)
    await runtime.runner.enqueue_schedules()
    await drain(runtime)
    assert (await (await client.get(f"{base}/me", headers=promoter_auth)).json())["amounts"][
        "available"
    ] == 0  # the window has not passed

    # Seven days later the scheduled settlement makes it available.
    with shop_scope(shop):
        c = await Commission.get(order_id=order.id)
        await Commission.filter(id=c.id).update(settle_at=c.settle_at - dt.timedelta(days=7))
    await runtime.runner.enqueue_schedules(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    await drain(runtime)
    me = await (await client.get(f"{base}/me", headers=promoter_auth)).json()
    assert (me["amounts"]["frozen"], me["amounts"]["available"]) == (0, 3_800)

    # The promoter withdraws; the seller approves; the money has left.
    asked = await client.post(
        f"{base}/withdrawals",
        json={"amount": 3_800, "idempotency_key": "提现-1"},
        headers=promoter_auth,
    )
    assert asked.status == 201, await asked.text()
    [queued] = await seller.withdrawal_queue(shop)
    done = await seller.approve_withdrawal(runtime, shop, queued.id, f"staff:{seller_id}")
    assert done.state == "paid"
    me = await (await client.get(f"{base}/me", headers=promoter_auth)).json()
    assert me["amounts"] == {
        "pending": 0,
        "frozen": 0,
        "available": 0,
        "withdrawing": 0,
        "withdrawn": 3_800,
    }
    history = await (await client.get(f"{base}/withdrawals", headers=promoter_auth)).json()
    assert [(w["amount"], w["state"]) for w in history["withdrawals"]] == [(3_800, "paid")]
    await assert_consistent(shop)
