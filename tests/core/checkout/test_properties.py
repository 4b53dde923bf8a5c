"""Property tests on the real services and database: for random carts and adjustments every
order total is explained by its lines and adjustments, and for random refunds nothing is ever
refunded beyond what was paid (per order, per line, per payment)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shequ.core.hooktypes import Adjustment
from shequ.core.orders.errors import Conflict, IllegalTransition, Invalid
from shequ.core.orders.models import OrderAdjustment, OrderState
from shequ.core.payments.models import Payment, Refund, RefundState
from shequ.core.payments.refunds import line_paid_shares, refund_order
from shequ.core.shops.scope import shop_scope
from tests.core.orders.commerce import (
    lines_of,
    make_customer,
    make_shop,
    make_sku,
    pay,
    place,
    plugin,
    reload,
    with_plugins,
)

SCENARIO = "properties.adjustments"


def scripted_adjustments(runtime, draft) -> list[Adjustment]:
    """Adjustments the current example scripted for this shop (deterministic per draft)."""
    script = runtime.state.get(SCENARIO, {}).get(draft.shop_id, [])
    adjustments = []
    for n, (line_index, amount) in enumerate(script):
        key = None if line_index is None else draft.lines[line_index % len(draft.lines)].key
        adjustments.append(Adjustment(f"a{n}", f"调整{n}", amount, line_key=key))
    return adjustments


@pytest.fixture
async def scripted(make_runtime):
    runtime = make_runtime(
        **with_plugins(
            plugin("scripted", shequ_price_adjustments=scripted_adjustments), enable=("shipping",)
        )
    )
    async with runtime.running(run_jobs=False):
        yield runtime


line = st.tuples(st.integers(0, 2), st.integers(0, 60_000), st.integers(1, 5))  # shop, price, qty
adjustment = st.tuples(st.one_of(st.none(), st.integers(0, 3)), st.integers(-150_000, 30_000))
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


async def place_random(runtime, lines, scripts) -> Any:
    shops = [await make_shop() for _ in range(3)]
    runtime.state[SCENARIO] = {shop.id: scripts[i] for i, shop in enumerate(shops)}
    wanted = [(await make_sku(shops[s], price=p, stock=q), q) for s, p, q in lines]
    return await place(runtime, await make_customer(), *wanted)


@PROPERTY_SETTINGS
@given(
    lines=st.lists(line, min_size=1, max_size=5),
    scripts=st.lists(st.lists(adjustment, max_size=4), min_size=3, max_size=3),
)
async def test_order_totals_are_explained_by_lines_and_adjustments(scripted, lines, scripts):
    placed = await place_random(scripted, lines, scripts)
    assert placed.payment.amount == sum(order.total for order in placed.orders)
    for order in placed.orders:
        order_lines = await lines_of(order)
        with shop_scope(order.shop_id):
            adjustments = await OrderAdjustment.filter(order_id=order.id)
        by_line: dict[int | None, int] = {}
        for adj in adjustments:
            by_line[adj.line_id] = by_line.get(adj.line_id, 0) + adj.amount
            if adj.requested_amount is not None:  # clamped: it asked for more than was left
                assert adj.requested_amount < adj.amount <= 0
        assert order.subtotal == sum(li.line_subtotal for li in order_lines)
        assert order.total == order.subtotal + sum(a.amount for a in adjustments)
        assert order.adjustments_total == sum(a.amount for a in adjustments)
        assert order.total == sum(li.line_total for li in order_lines) + by_line.get(None, 0)
        assert order.total >= 0
        for li in order_lines:
            assert li.line_subtotal == li.unit_price * li.quantity
            assert li.line_total == li.line_subtotal + by_line.get(li.id, 0) >= 0
            assert li.line_adjustments == by_line.get(li.id, 0)


refund_step = st.one_of(
    st.tuples(st.just("amount"), st.integers(-10, 400_000)),
    st.tuples(st.just("line"), st.tuples(st.integers(0, 4), st.integers(-5, 200_000))),
    st.tuples(st.just("rest"), st.none()),
)


@PROPERTY_SETTINGS
@example(lines=[(2, 9900, 1)], scripts=[[], [], [(None, -9900)]], steps=[("rest", None)])
@given(
    lines=st.lists(line, min_size=1, max_size=4),
    scripts=st.lists(st.lists(adjustment, max_size=3), min_size=3, max_size=3),
    steps=st.lists(refund_step, min_size=1, max_size=6),
)
async def test_refunds_never_exceed_what_was_paid(scripted, lines, scripts, steps):
    placed = await place_random(scripted, lines, scripts)
    if placed.payment.amount > 0:  # a free checkout is paid at placement
        await Payment.filter(id=placed.payment.id).update(provider="sandbox")
        assert (await pay(scripted, placed.payment)).code == "paid"
    orders = [await reload(order) for order in placed.orders]
    for n, (kind, value) in enumerate(steps):
        order = orders[n % len(orders)]
        order_lines = await lines_of(order)
        kwargs: dict[str, Any] = {}
        if kind == "amount":
            kwargs["amount"] = value
        elif kind == "line":
            index, amount = value
            kwargs["line_amounts"] = {order_lines[index % len(order_lines)].id: amount}
        try:
            await refund_order(scripted, order.shop_id, order.id, actor="staff:1", **kwargs)
        except (Invalid, Conflict, IllegalTransition):
            pass  # refused requests are part of the property: they must change nothing
    payment = await Payment.get(id=placed.payment.id)
    refunded_total = 0
    for order in orders:
        order = await reload(order)
        order_lines = await lines_of(order)
        with shop_scope(order.shop_id):
            refunds = await Refund.filter(order_id=order.id)
        assert all(r.state == RefundState.SUCCEEDED for r in refunds)
        assert order.refunded_amount == sum(r.amount for r in refunds) <= order.paid_amount
        assert order.paid_amount == order.total
        shares = line_paid_shares(order, order_lines)
        assert sum(shares.values()) == order.paid_amount
        for li in order_lines:
            assert 0 <= li.refunded_amount <= shares[li.id]
            assert li.refunded_amount == sum(r.line_amounts.get(str(li.id), 0) for r in refunds)
        fully = order.paid_amount > 0 and order.refunded_amount == order.paid_amount
        assert (order.state == OrderState.REFUNDED) == fully
        refunded_total += order.refunded_amount
    assert payment.refunded_amount == refunded_total <= payment.paid_amount
