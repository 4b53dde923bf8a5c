"""Refunds: split over lines, capped by what was paid, idempotent, provider failures."""

from __future__ import annotations

import asyncio

import pytest

from shequ.core.hooktypes import Adjustment
from shequ.core.jobs.models import Job
from shequ.core.orders import service
from shequ.core.orders.errors import Conflict, IllegalTransition, Invalid, NotFound
from shequ.core.orders.models import OrderState, OrderTransition
from shequ.core.payments.models import Payment, Refund, RefundState
from shequ.core.payments.refunds import RefundFailed, line_paid_shares, refund_order
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.orders.commerce import (
    lines_of,
    make_customer,
    make_shop,
    make_sku,
    paid_orders,
    plugin,
    reload,
    snapshot,
    stock_of,
    with_plugins,
)


async def paid_order(runtime, *prices_quantities):
    shop = await make_shop()
    lines = [(await make_sku(shop, price=p, stock=10), q) for p, q in prices_quantities]
    (order,) = await paid_orders(runtime, await make_customer(), *lines)
    return shop, order


async def test_partial_refund_is_split_over_lines_proportionally(runtime):
    shop, order = await paid_order(runtime, (3000, 1), (1000, 1))
    refund = await refund_order(runtime, shop.id, order.id, actor="staff:1", amount=1000)
    first, second = await lines_of(order)
    assert refund.line_amounts == {str(first.id): 750, str(second.id): 250}
    assert (refund.state, refund.provider_ref[:4]) == (RefundState.SUCCEEDED, "SBXR")
    assert (first.refunded_amount, second.refunded_amount) == (750, 250)
    order = await reload(order)
    assert (order.state, order.refunded_amount) == (OrderState.PAID, 1000)
    assert (await Payment.get(id=order.payment_id)).refunded_amount == 1000


async def test_full_refund_moves_the_order_to_refunded(runtime):
    shop, order = await paid_order(runtime, (2000, 2))
    await service.ship_order(
        runtime, shop.id, order.id, carrier="EMS", tracking_number="1", actor="staff:1"
    )
    await refund_order(runtime, shop.id, order.id, actor="staff:1", amount=1500)
    await refund_order(runtime, shop.id, order.id, actor="staff:1")  # the rest
    order = await reload(order)
    assert (order.state, order.refunded_amount, order.paid_amount) == ("refunded", 4000, 4000)
    with pytest.raises(IllegalTransition):
        await refund_order(runtime, shop.id, order.id, actor="staff:1", amount=1)
    with shop_scope(shop.id):
        last = await OrderTransition.filter(order_id=order.id).order_by("-id").first()
    assert (last.from_state, last.to_state, last.actor) == ("shipped", "refunded", "staff:1")


async def test_per_line_amounts_and_their_caps(runtime):
    shop, order = await paid_order(runtime, (3000, 1), (1000, 1))
    first, second = await lines_of(order)
    before = await snapshot()
    for bad in ({second.id: 1001}, {999999: 1}, {first.id: 0}, {first.id: 1.5}):
        with pytest.raises(Invalid):
            await refund_order(runtime, shop.id, order.id, actor="staff:1", line_amounts=bad)
    with pytest.raises(Invalid):
        await refund_order(
            runtime, shop.id, order.id, actor="staff:1", amount=5, line_amounts={first.id: 4}
        )
    for bad_amount in (0, -5, 4001, 10.0):
        with pytest.raises(Invalid):
            await refund_order(runtime, shop.id, order.id, actor="staff:1", amount=bad_amount)
    assert await snapshot() == before
    refund = await refund_order(
        runtime, shop.id, order.id, actor="staff:1", line_amounts={str(second.id): 1000}
    )
    assert refund.amount == 1000 and refund.line_amounts == {str(second.id): 1000}
    with pytest.raises(Invalid):  # the second line is fully refunded now
        await refund_order(runtime, shop.id, order.id, actor="staff:1", line_amounts={second.id: 1})


async def test_shipping_is_shared_over_lines_so_a_full_refund_fits(make_runtime):
    runtime = make_runtime({"plugins": {"enabled": ["shipping"]}})
    async with runtime.running(run_jobs=False):
        shop, order = await paid_order(runtime, (2000, 1), (1000, 2))
        assert order.total == 5000  # 4000 + 1000 shipping
        lines = await lines_of(order)
        shares = line_paid_shares(order, lines)
        assert list(shares.values()) == [2500, 2500] and sum(shares.values()) == order.total
        refund = await refund_order(runtime, shop.id, order.id, actor="staff:1")
        assert refund.amount == 5000
        assert sum(refund.line_amounts.values()) == 5000
        assert (await reload(order)).state == OrderState.REFUNDED


async def test_idempotency_key_returns_the_first_refund(runtime):
    shop, order = await paid_order(runtime, (5000, 1))
    first = await refund_order(
        runtime, shop.id, order.id, actor="staff:1", amount=700, idempotency_key="r-1"
    )
    again = await refund_order(
        runtime, shop.id, order.id, actor="staff:1", amount=700, idempotency_key="r-1"
    )
    assert again.id == first.id and (await reload(order)).refunded_amount == 700
    with pytest.raises(Conflict):
        await refund_order(
            runtime, shop.id, order.id, actor="staff:1", amount=800, idempotency_key="r-1"
        )
    with pytest.raises(Invalid):
        await refund_order(
            runtime, shop.id, order.id, actor="staff:1", amount=1, idempotency_key="bad key!"
        )


async def test_concurrent_refunds_never_exceed_what_was_paid(runtime):
    shop, order = await paid_order(runtime, (1000, 1))
    results = await asyncio.gather(
        *[refund_order(runtime, shop.id, order.id, actor="staff:1", amount=300) for _ in range(6)],
        return_exceptions=True,
    )
    succeeded = [r for r in results if isinstance(r, Refund)]
    assert len(succeeded) == 3
    assert all(isinstance(r, Invalid | Conflict) for r in results if not isinstance(r, Refund))
    order = await reload(order)
    assert order.refunded_amount == 900 <= order.paid_amount
    with shop_scope(shop.id):
        assert sum(await Refund.filter(order_id=order.id).values_list("amount", flat=True)) == 900


async def test_provider_failure_releases_the_reservation(make_runtime):
    from shequ.core.payments.sandbox import SandboxProvider

    class Refuses(SandboxProvider):
        async def refund(self, runtime, refund):
            raise ConnectionError("bank offline")

    runtime = make_runtime(
        **with_plugins(plugin("flaky", shequ_payment_providers=lambda: [Refuses()]))
    )
    async with runtime.running(run_jobs=False):
        shop, order = await paid_order(runtime, (1000, 1))
        with pytest.raises(RefundFailed, match="bank offline"):
            await refund_order(runtime, shop.id, order.id, actor="staff:1", amount=400)
        order = await reload(order)
        assert order.refunded_amount == 0 and order.state == OrderState.PAID
        assert [line.refunded_amount for line in await lines_of(order)] == [0]
        assert (await Payment.get(id=order.payment_id)).refunded_amount == 0
        with shop_scope(shop.id):
            (failed,) = await Refund.all()
        assert failed.state == RefundState.FAILED and "bank offline" in failed.provider_ref


async def test_refunds_are_announced_and_shop_scoped(make_runtime):
    seen = []
    watcher = plugin(
        "watcher",
        shequ_order_refunded=lambda order_id, shop_id, refund_id, amount: seen.append(
            (order_id, shop_id, refund_id, amount)
        ),
    )
    runtime = make_runtime(**with_plugins(watcher))
    async with runtime.running(run_jobs=False):
        shop, order = await paid_order(runtime, (1000, 1))
        other = await make_shop()
        with pytest.raises(NotFound):
            await refund_order(runtime, other.id, order.id, actor="staff:2", amount=100)
        refund = await refund_order(runtime, shop.id, order.id, actor="staff:1", amount=100)
        assert seen == []
        await runtime.runner.run_due()
        assert seen == [(order.id, shop.id, refund.id, 100)]
        with shop_scope(other.id):
            assert not await Refund.all().exists()
        with shop_scope(shop.id):
            assert await Refund.all().count() == 1


async def test_cancelling_a_paid_order_refunds_it_all_and_restocks(runtime):
    shop = await make_shop()
    sku = await make_sku(shop, price=1200, stock=5)
    (order,) = await paid_orders(runtime, await make_customer(), (sku, 2))
    assert await stock_of(sku) == 3
    await service.cancel_order(runtime, shop.id, order.id, actor="staff:3", reason="缺货")
    order = await reload(order)
    assert (order.state, order.refunded_amount) == (OrderState.CANCELLED, 2400)
    assert await stock_of(sku) == 5
    with shop_scope(shop.id):
        (refund,) = await Refund.all()
    assert (refund.amount, refund.actor, refund.reason) == (2400, "staff:3", "缺货")


async def test_unpaid_orders_cannot_be_refunded(runtime):
    from tests.core.orders.commerce import place

    shop = await make_shop()
    placed = await place(runtime, await make_customer(), (await make_sku(shop), 1))
    with pytest.raises(IllegalTransition):
        await refund_order(runtime, shop.id, placed.orders[0].id, actor="staff:1")
    assert not await Job.filter(name="shequ.observe").exists()


async def test_free_paid_order_is_cancelled_without_a_refund(make_runtime):
    free = plugin(
        "free", shequ_price_adjustments=lambda draft: [Adjustment("gift", "赠品", -draft.subtotal)]
    )
    runtime = make_runtime(**with_plugins(free))
    async with runtime.running(run_jobs=False):
        from tests.core.orders.commerce import place

        shop = await make_shop()
        sku = await make_sku(shop, stock=1)
        (order,) = (await place(runtime, await make_customer(), (sku, 1))).orders
        await service.cancel_order(runtime, shop.id, order.id, actor="staff:1")
        assert (await reload(order)).state == OrderState.CANCELLED
        assert await stock_of(sku) == 1
        with shop_scope(ALL_SHOPS):
            assert not await Refund.all().exists()
