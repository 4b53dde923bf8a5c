"""The state machine: legal edges only, every transition recorded, vetoes, and concurrency
(two transitions racing on one order: exactly one applies)."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from shequ.core.orders import service, states
from shequ.core.orders.errors import IllegalTransition, Vetoed
from shequ.core.orders.models import OrderState, OrderTransition, Shipment
from shequ.core.orders.transactions import atomic, is_retryable
from shequ.core.shops.scope import shop_scope
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
ALL = [S.PENDING_PAYMENT, S.PAID, S.SHIPPED, S.COMPLETED, S.CANCELLED, S.REFUNDED]
LEGAL = {
    (S.PENDING_PAYMENT, S.PAID),
    (S.PENDING_PAYMENT, S.CANCELLED),
    (S.PAID, S.SHIPPED),
    (S.PAID, S.CANCELLED),
    (S.PAID, S.REFUNDED),
    (S.SHIPPED, S.COMPLETED),
    (S.SHIPPED, S.REFUNDED),
    (S.COMPLETED, S.REFUNDED),
}


@pytest.mark.parametrize(("a", "b"), list(itertools.product(ALL, ALL)))
def test_only_the_documented_edges_exist(a, b):
    assert states.allowed(a, b) == ((a, b) in LEGAL)
    if (a, b) not in LEGAL:
        with pytest.raises(IllegalTransition, match=f"from {a} to {b}"):
            states.check(a, b)


async def test_ship_and_complete_record_who_when_and_why(runtime):
    shop = await make_shop()
    customer = await make_customer()
    (order,) = await paid_orders(runtime, customer, (await make_sku(shop), 1))
    await service.ship_order(
        runtime, shop.id, order.id, carrier="顺丰", tracking_number="SF123", actor="staff:9"
    )
    await service.confirm_receipt(runtime, customer.id, order.number)
    order = await reload(order)
    assert order.state == S.COMPLETED and order.shipped_at and order.completed_at
    with shop_scope(shop.id):
        history = await OrderTransition.filter(order_id=order.id).order_by("id")
        (shipment,) = await Shipment.filter(order_id=order.id)
    assert [(t.from_state, t.to_state, t.actor) for t in history] == [
        ("", S.PENDING_PAYMENT, f"customer:{customer.id}"),
        (S.PENDING_PAYMENT, S.PAID, "provider:sandbox"),
        (S.PAID, S.SHIPPED, "staff:9"),
        (S.SHIPPED, S.COMPLETED, f"customer:{customer.id}"),
    ]
    assert history[-1].reason == "receipt confirmed" and all(t.created_at for t in history)
    assert (shipment.carrier, shipment.tracking_number) == ("顺丰", "SF123")


async def test_illegal_transitions_change_nothing(runtime):
    shop = await make_shop()
    customer = await make_customer()
    placed = await place(runtime, customer, (await make_sku(shop), 1))
    (order,) = placed.orders
    before = await snapshot()
    with pytest.raises(IllegalTransition):
        await service.ship_order(
            runtime, shop.id, order.id, carrier="EMS", tracking_number="1", actor="staff:1"
        )
    with pytest.raises(IllegalTransition):
        await service.confirm_receipt(runtime, customer.id, order.number)
    with pytest.raises(IllegalTransition):  # a paid order is cancelled only with a refund
        await service.transition(
            runtime, await service.locked_order(order.id), S.REFUNDED, actor="x"
        )
    assert await snapshot() == before


async def test_paid_to_cancelled_needs_a_full_refund(runtime):
    shop = await make_shop()
    (order,) = await paid_orders(runtime, await make_customer(), (await make_sku(shop), 1))

    async def cancel_without_refund():
        locked = await service.locked_order(order.id, shop.id)
        await service.transition(runtime, locked, S.CANCELLED, actor="staff:1")

    with pytest.raises(IllegalTransition, match="full refund"):
        await atomic(cancel_without_refund)
    assert (await reload(order)).state == S.PAID


async def test_another_shops_seller_cannot_touch_the_order(runtime):
    shop, other = await make_shop(), await make_shop()
    (order,) = await paid_orders(runtime, await make_customer(), (await make_sku(shop), 1))
    from shequ.core.orders.errors import NotFound

    with pytest.raises(NotFound):
        await service.ship_order(
            runtime, other.id, order.id, carrier="EMS", tracking_number="1", actor="staff:2"
        )
    assert (await reload(order)).state == S.PAID


async def test_validate_transition_may_veto(make_runtime):
    calls = []

    def hold(order_id, shop_id, from_state, to_state, actor):
        calls.append((from_state, to_state, actor))
        return "风控审核中" if to_state == S.SHIPPED else None

    runtime = make_runtime(**with_plugins(plugin("risk", shequ_validate_transition=hold)))
    async with runtime.running(run_jobs=False):
        shop = await make_shop()
        (order,) = await paid_orders(runtime, await make_customer(), (await make_sku(shop), 1))
        before = await snapshot()
        with pytest.raises(Vetoed, match="风控审核中"):
            await service.ship_order(
                runtime, shop.id, order.id, carrier="EMS", tracking_number="1", actor="staff:1"
            )
        assert await snapshot() == before
        assert calls[-1] == (S.PAID, S.SHIPPED, "staff:1")
        assert (S.PENDING_PAYMENT, S.PAID, "provider:sandbox") in calls


async def test_racing_transitions_apply_once(runtime):
    """Ten confirmations and ten cancellations race; one completion, no cancellation."""
    shop = await make_shop()
    customer = await make_customer()
    (order,) = await paid_orders(runtime, customer, (await make_sku(shop), 1))
    await service.ship_order(
        runtime, shop.id, order.id, carrier="EMS", tracking_number="1", actor="staff:1"
    )

    async def attempt(n: int):
        if n % 2:
            return await service.confirm_receipt(runtime, customer.id, order.number)
        return await service.complete_order(runtime, shop.id, order.id, actor="system")

    results = await asyncio.gather(*[attempt(n) for n in range(20)], return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, IllegalTransition) for r in results if isinstance(r, Exception))
    with shop_scope(shop.id):
        completions = await OrderTransition.filter(order_id=order.id, to_state=S.COMPLETED)
    assert len(completions) == 1


async def test_cancel_races_payment_and_one_wins(runtime):
    """A buyer cancelling while the payment notification lands: never both."""
    from tests.core.orders.commerce import pay

    shop = await make_shop()
    sku = await make_sku(shop, stock=3)
    customer = await make_customer()
    placed = await place(runtime, customer, (sku, 2))
    (order,) = placed.orders
    results = await asyncio.gather(
        service.buyer_cancel(runtime, customer.id, order.number),
        pay(runtime, placed.payment),
        return_exceptions=True,
    )
    final = await reload(order)
    if final.state == S.PAID:
        assert isinstance(results[0], IllegalTransition) and results[1].code == "paid"
        assert await stock_of(sku) == 1
    else:
        assert final.state == S.CANCELLED and results[1].code == "paid_after_cancel"
        assert await stock_of(sku) == 3
    with shop_scope(shop.id):
        assert await OrderTransition.filter(order_id=order.id).count() == 2


async def test_illegal_transition_over_http_is_409(commerce_app):
    client, runtime = await commerce_app()
    shop = await make_shop()
    customer = await make_customer()
    headers = await bearer(customer)
    placed = await place(runtime, customer, (await make_sku(shop), 1))
    number = placed.orders[0].number
    before = await snapshot()
    response = await client.post(f"/api/v1/orders/{number}/confirm-receipt", headers=headers)
    assert response.status == 409
    error = error_of(await response.json())
    assert error["code"] == "illegal_transition" and "pending_payment" in error["message"]
    assert await snapshot() == before


def test_retryable_errors():
    import asyncpg
    from tortoise.exceptions import IntegrityError, OperationalError

    assert is_retryable(OperationalError("database is locked"))
    assert is_retryable(asyncpg.exceptions.DeadlockDetectedError("deadlock detected"))
    assert not is_retryable(OperationalError("no such table: x"))
    assert not is_retryable(IntegrityError("UNIQUE constraint failed"))


async def test_atomic_retries_a_locked_database_and_rolls_back_each_try(runtime):
    from tortoise.exceptions import OperationalError

    from shequ.core.shops.models import Shop

    attempts = []

    async def work():
        attempts.append(1)
        await Shop.create(slug=f"try{len(attempts)}", name="x")
        if len(attempts) < 3:
            raise OperationalError("database is locked")
        return len(attempts)

    assert await atomic(work) == 3
    assert await Shop.filter(slug__startswith="try").values_list("slug", flat=True) == ["try3"]
