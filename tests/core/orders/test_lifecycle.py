"""Order lifecycle around the state machine: scheduled expiry and auto-completion, observers
after commit, and the buyer's order API."""

from __future__ import annotations

import datetime as dt

from shequ.core.jobs.models import Job, JobStatus
from shequ.core.jobs.outbox import enqueue, utcnow
from shequ.core.orders import service
from shequ.core.orders.jobs import AUTO_COMPLETE, EXPIRE_UNPAID
from shequ.core.orders.models import Order, OrderState, OrderTransition, RefundRequest
from shequ.core.orders.timing import AUTO_COMPLETE_DAYS, UNPAID_WINDOW_MINUTES
from shequ.core.payments.models import Payment, PaymentState
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.orders.commerce import (
    bearer,
    error_of,
    make_customer,
    make_shop,
    make_sku,
    paid_orders,
    place,
    plugin,
    reload,
    snapshot,
    stock_of,
    with_plugins,
)

S = OrderState


async def test_unpaid_orders_expire_and_give_stock_back(runtime):
    a, b = await make_shop(), await make_shop()
    apple, tea = await make_sku(a, stock=5), await make_sku(b, stock=5)
    customer = await make_customer()
    placed = await place(runtime, customer, (apple, 2), (tea, 1))
    (fresh,) = (await place(runtime, customer, (apple, 1))).orders
    assert await stock_of(apple) == 2

    assert await service.expire_unpaid_orders(runtime) == 0  # not yet
    later = utcnow() + dt.timedelta(minutes=UNPAID_WINDOW_MINUTES, seconds=1)
    with shop_scope(ALL_SHOPS):  # the fresh order was placed later: push its deadline out
        await Order.filter(id=fresh.id).update(expires_at=later + dt.timedelta(minutes=5))
    assert await service.expire_unpaid_orders(runtime, now=later) == 2

    for order in placed.orders:
        order = await reload(order)
        assert order.state == S.CANCELLED and order.cancelled_at == later
        with shop_scope(ALL_SHOPS):
            last = await OrderTransition.filter(order_id=order.id).order_by("-id").first()
        assert (last.actor, last.reason) == ("system", "unpaid in time")
    assert await stock_of(apple) == 4 and await stock_of(tea) == 5
    assert (await Payment.get(id=placed.payment.id)).state == PaymentState.CANCELLED
    assert (await reload(fresh)).state == S.PENDING_PAYMENT
    assert await service.expire_unpaid_orders(runtime, now=later) == 0  # idempotent


async def test_a_paid_order_is_never_expired(runtime):
    shop = await make_shop()
    sku = await make_sku(shop, stock=5)
    (order,) = await paid_orders(runtime, await make_customer(), (sku, 1))
    later = utcnow() + dt.timedelta(days=1)
    assert await service.expire_unpaid_orders(runtime, now=later) == 0
    assert (await reload(order)).state == S.PAID and await stock_of(sku) == 4


async def test_expiry_asks_the_provider_first(make_runtime):
    from shequ.core.payments import providers as registry
    from shequ.core.payments.sandbox import SandboxProvider

    class PaidAtTheBank(SandboxProvider):
        code = "bank"

        async def query(self, runtime, payment):
            return PaymentState.SUCCEEDED

    bank = plugin("bank", shequ_payment_providers=lambda: [PaidAtTheBank()])
    runtime = make_runtime(**with_plugins(bank))
    async with runtime.running(run_jobs=False):
        assert "bank" in await registry.providers(runtime)
        placed = await place(runtime, await make_customer(), (await make_sku(await make_shop()), 1))
        await Payment.filter(id=placed.payment.id).update(provider="bank")
        later = utcnow() + dt.timedelta(hours=1)
        assert await service.expire_unpaid_orders(runtime, now=later) == 0
        assert (await reload(placed.orders[0])).state == S.PENDING_PAYMENT


async def test_shipped_orders_complete_automatically(runtime):
    shop = await make_shop()
    customer = await make_customer()
    old, recent = await paid_orders(runtime, customer, (await make_sku(shop), 1)), None
    (old,) = old
    (recent,) = await paid_orders(runtime, customer, (await make_sku(shop), 1))
    shipped_at = utcnow()
    for order in (old, recent):
        await service.ship_order(
            runtime,
            shop.id,
            order.id,
            carrier="EMS",
            tracking_number="E1",
            actor="staff:1",
            now=shipped_at,
        )
    with shop_scope(shop.id):
        await Order.filter(id=recent.id).update(shipped_at=shipped_at + dt.timedelta(days=3))
    when = shipped_at + dt.timedelta(days=AUTO_COMPLETE_DAYS, seconds=1)
    assert await service.auto_complete_orders(runtime, now=when) == 1
    old, recent = await reload(old), await reload(recent)
    assert (old.state, old.completed_at, recent.state) == (S.COMPLETED, when, S.SHIPPED)
    with shop_scope(shop.id):
        last = await OrderTransition.filter(order_id=old.id).order_by("-id").first()
    assert (last.actor, last.reason) == ("system", "auto-completed")


async def test_order_jobs_are_registered_and_scheduled(runtime):
    assert {EXPIRE_UNPAID, AUTO_COMPLETE} <= set(runtime.jobs.handlers)
    assert {s.job for s in runtime.jobs.schedules} >= {EXPIRE_UNPAID, AUTO_COMPLETE}
    shop = await make_shop()
    sku = await make_sku(shop, stock=2)
    placed = await place(runtime, await make_customer(), (sku, 2))
    with shop_scope(ALL_SHOPS):
        await Order.filter(id=placed.orders[0].id).update(
            expires_at=utcnow() - dt.timedelta(seconds=1)
        )
    await runtime.runner.enqueue_schedules()
    await runtime.runner.run_due()
    assert (await reload(placed.orders[0])).state == S.CANCELLED
    assert await stock_of(sku) == 2
    for name in (EXPIRE_UNPAID, AUTO_COMPLETE):
        assert await Job.filter(name=name, status=JobStatus.DONE).exists()
    await enqueue(AUTO_COMPLETE)
    assert await runtime.runner.run_due() == 1


async def test_observers_run_after_commit_and_a_failing_one_undoes_nothing(make_runtime):
    seen: list[tuple[str, int]] = []

    def recorder(hook):
        def observe(order_id, shop_id):
            seen.append((hook, order_id))

        return observe

    hooks = [
        "shequ_order_created",
        "shequ_order_paid",
        "shequ_order_shipped",
        "shequ_order_completed",
        "shequ_order_cancelled",
    ]
    watcher = plugin(
        "watcher",
        **{h: recorder(h) for h in hooks},
        shequ_order_refunded=lambda order_id, amount: seen.append(
            ("shequ_order_refunded", order_id, amount)
        ),
    )

    def explode(order_id, shop_id):
        raise RuntimeError("push service down")

    broken = plugin("broken", shequ_order_paid=explode, shequ_order_shipped=explode)
    runtime = make_runtime(**with_plugins(watcher, broken))
    async with runtime.running(run_jobs=False):
        shop = await make_shop()
        customer = await make_customer()
        sku = await make_sku(shop, price=800)
        (order,) = await paid_orders(runtime, customer, (sku, 1))
        await service.ship_order(
            runtime, shop.id, order.id, carrier="EMS", tracking_number="1", actor="staff:1"
        )
        await service.confirm_receipt(runtime, customer.id, order.number)
        (unpaid,) = (await place(runtime, customer, (sku, 1))).orders
        await service.buyer_cancel(runtime, customer.id, unpaid.number)
        from shequ.core.payments.refunds import refund_order

        await refund_order(runtime, shop.id, order.id, actor="staff:1", amount=300)
        assert seen == []  # nothing is called inside the transactions
        while await runtime.runner.run_due():
            pass
        assert seen == [
            ("shequ_order_created", order.id),
            ("shequ_order_paid", order.id),
            ("shequ_order_shipped", order.id),
            ("shequ_order_completed", order.id),
            ("shequ_order_created", unpaid.id),
            ("shequ_order_cancelled", unpaid.id),
            ("shequ_order_refunded", order.id, 300),
        ]
        assert (await reload(order)).state == S.COMPLETED  # the failures undid nothing
        failing = [j for j in await Job.all() if j.payload.get("plugin") == "broken"]
        assert len(failing) == 2
        assert all(
            j.status == JobStatus.QUEUED and "push service down" in j.last_error for j in failing
        )


# --- the buyer's API -------------------------------------------------------------------------


async def test_orders_list_and_detail_are_the_buyers_own(commerce_app):
    client, runtime = await commerce_app()
    shop = await make_shop()
    me, stranger = await make_customer(), await make_customer()
    mine = (await place(runtime, me, (await make_sku(shop), 1))).orders[0]
    theirs = (await place(runtime, stranger, (await make_sku(shop), 1))).orders[0]
    headers = await bearer(me)
    response = await client.get("/api/v1/orders", headers=headers)
    body = await response.json()
    assert [o["number"] for o in body["items"]] == [mine.number] and body["total"] == 1
    response = await client.get("/api/v1/orders?state=paid", headers=headers)
    assert (await response.json())["items"] == []
    response = await client.get("/api/v1/orders?state=bogus", headers=headers)
    assert response.status == 422
    response = await client.get(f"/api/v1/orders/{theirs.number}", headers=headers)
    assert response.status == 404
    assert error_of(await response.json())["code"] == "order_not_found"
    response = await client.get(f"/api/v1/orders/{mine.number}", headers=headers)
    detail = await response.json()
    assert detail["history"][0]["to"] == "pending_payment" and detail["lines"][0]["quantity"] == 1


async def test_buyer_cancels_an_unpaid_order(commerce_app):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop(), stock=4)
    customer = await make_customer()
    headers = await bearer(customer)
    (order,) = (await place(runtime, customer, (sku, 3))).orders
    response = await client.post(f"/api/v1/orders/{order.number}/cancel", headers=headers)
    assert response.status == 200 and (await response.json())["state"] == "cancelled"
    assert await stock_of(sku) == 4
    response = await client.post(f"/api/v1/orders/{order.number}/cancel", headers=headers)
    assert response.status == 409
    assert error_of(await response.json())["code"] == "illegal_transition"


async def test_refund_request_is_recorded_for_the_seller(commerce_app):
    client, runtime = await commerce_app()
    shop = await make_shop()
    customer = await make_customer()
    headers = await bearer(customer)
    (order,) = await paid_orders(runtime, customer, (await make_sku(shop, price=3000), 1))
    before = await snapshot()
    response = await client.post(
        f"/api/v1/orders/{order.number}/refund-request", json={"amount": 99999}, headers=headers
    )
    assert response.status == 422 and error_of(await response.json())["field"] == "amount"
    assert await snapshot() == before
    response = await client.post(
        f"/api/v1/orders/{order.number}/refund-request",
        json={"amount": 1000, "reason": "少发一件"},
        headers=headers,
    )
    assert response.status == 201
    response = await client.post(
        f"/api/v1/orders/{order.number}/refund-request", json={}, headers=headers
    )
    assert response.status == 409
    with shop_scope(shop.id):
        (request,) = await RefundRequest.all()
    assert (request.amount, request.reason, request.state) == (1000, "少发一件", "open")

    from shequ.core.payments.refunds import decide_refund_request

    decided = await decide_refund_request(
        runtime, shop.id, request.id, approve=True, actor="staff:4"
    )
    assert (decided.state, decided.decided_by) == ("approved", "staff:4")
    assert (await reload(order)).refunded_amount == 1000
