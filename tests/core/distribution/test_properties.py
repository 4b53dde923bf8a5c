"""Property tests: random sequences of bindings, orders, payments, completions, partial
refunds, settlements and withdrawals, with a rogue plugin proposing random extra lines.

After every sequence: each balance is the sum of its ledger entries and every commission's
owed amount sits in its state's bucket; no line's commissions exceed the cap; nobody is paid
beyond the configured depth (never beyond 2) or outside the order's snapshotted chain;
unpaid orders and fully refunded lines pay nothing; the default rules pay exactly the
configured rate of what was paid, reduced in proportion to refunds, in the state a simple
model of the order's life predicts; the snapshotted chain is the one a model of the bindings
predicts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import types
from collections.abc import Sequence
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings, target
from hypothesis import strategies as st

from shequ.core import hookimpl
from shequ.core.distribution.binding import bind_by_code
from shequ.core.distribution.compliance import line_cap
from shequ.core.distribution.errors import DistributionError
from shequ.core.distribution.ledger import settle_due
from shequ.core.distribution.models import Commission
from shequ.core.distribution.paid_share import allocate, line_bases, percent_of
from shequ.core.distribution.withdrawals import approve_withdrawal, request_withdrawal
from shequ.core.hooktypes import CommissionLine
from shequ.core.orders.models import Order, OrderAdjustment, OrderLine, OrderState
from shequ.core.shops.scope import shop_scope
from tests.core.distribution.factory import (
    active_distributor,
    customer,
    drain,
    new_shop,
    pay,
    place_order,
    plugins,
    refund,
)
from tests.core.distribution.invariants import assert_consistent

DISTRIBUTORS = 3  # people 0..2 are distributors; 3 and 4 only buy
PEOPLE = 5
START = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
_shops = itertools.count(1)

# What the rogue plugin proposes for the current example: (level, line index or None,
# amount, pay a chain member?) - deeper levels, detached lines, strangers, huge amounts.
ROGUE: dict[str, list[tuple[int, int | None, int, bool]]] = {"lines": []}


def rogue_plan(order, chain):
    lines = sorted(order.lines, key=lambda x: x.id)
    plan = []
    for level, index, amount, in_chain in ROGUE["lines"]:
        line_id = lines[index % len(lines)].id if index is not None else None
        who = chain[(level - 1) % len(chain)] if in_chain and chain else order.customer_id
        plan.append(CommissionLine(who, level, line_id, amount, "rogue"))
    return plan


ROGUE_MODULE = types.ModuleType("rogue")
ROGUE_MODULE.shequ_commission_plan = hookimpl(rogue_plan)

rates_and_cap = st.integers(1, 2).flatmap(
    lambda levels: st.lists(st.integers(1, 25), min_size=levels, max_size=levels).flatmap(
        lambda rates: st.tuples(
            st.just(levels),
            st.just(rates),
            st.sampled_from(
                sorted({100, max(sum(rates), 60), max(sum(rates), 30), sum(rates)}, reverse=True)
            ),
        )
    )
)
refund_op = st.tuples(st.just("refund"), st.integers(0, 30), st.integers(0, 2), st.integers(1, 100))
binding_op = st.tuples(
    st.just("bind"), st.integers(0, PEOPLE - 1), st.integers(0, DISTRIBUTORS - 1)
)


def order_op(buyers: list[int]):
    return st.tuples(
        st.just("order"),
        st.one_of(st.sampled_from(buyers), st.integers(0, PEOPLE - 1)),
        st.lists(st.tuples(st.integers(1, 30_000), st.integers(1, 3)), min_size=1, max_size=3),
        st.integers(0, 2_000),
        st.sampled_from(["unpaid", "paid", "completed", "completed"]),
    )


later_op = st.one_of(
    binding_op,
    st.tuples(st.just("pay"), st.integers(0, 30)),
    st.tuples(st.just("complete"), st.integers(0, 30)),
    refund_op,
    refund_op,
    refund_op,
    st.tuples(st.just("settle"), st.integers(0, 10)),
    st.tuples(st.just("settle"), st.integers(0, 10)),
    st.tuples(st.just("withdraw"), st.integers(0, DISTRIBUTORS - 1), st.integers(100, 3_000)),
)


@st.composite
def histories(draw) -> list[tuple]:
    """Some bindings first; then orders (mostly by bound customers) and later events, mixed."""
    binds = draw(st.lists(binding_op, min_size=3, max_size=8))
    buyers = sorted({person for _, person, d in binds if person != d}) or [PEOPLE - 1]
    orders = draw(st.lists(order_op(buyers), min_size=1, max_size=5))
    later = draw(st.lists(later_op, min_size=2, max_size=15))
    return [*binds, *draw(st.permutations(orders + later))]


junk_line = st.tuples(
    st.integers(0, 4),
    st.one_of(st.none(), st.integers(0, 2)),
    st.one_of(st.integers(-5, 300), st.integers(0, 5_000)),
    st.booleans(),
)
plausible_line = st.tuples(st.integers(1, 2), st.integers(0, 2), st.integers(1, 400), st.just(True))
rogue_lines = st.tuples(st.lists(plausible_line, max_size=2), st.lists(junk_line, max_size=3)).map(
    lambda t: [*t[0], *t[1]]
)


class Model:
    """What should have happened, computed without the engine."""

    def __init__(self, levels: int, binding: str):
        self.levels, self.binding = levels, binding
        self.referrer: dict[int, int] = {}  # person index -> distributor index

    def bind(self, person: int, distributor: int) -> None:
        if person == distributor:
            return
        if person in self.referrer and self.binding == "first":
            return
        up, seen = distributor, set()
        while up is not None and up not in seen:  # refuse a cycle
            if up == person:
                return
            seen.add(up)
            up = self.referrer.get(up)
        self.referrer[person] = distributor

    def chain(self, person: int) -> list[int]:
        chain, current = [], person
        while len(chain) < self.levels and current in self.referrer:
            current = self.referrer[current]
            if current in chain or current == person:
                break
            chain.append(current)
        return chain


async def finish(runtime, order: Order, when: dt.datetime) -> None:
    with shop_scope(order.shop_id):
        await Order.filter(id=order.id).update(state=OrderState.COMPLETED, completed_at=when)
    await runtime.hooks.notify("shequ_order_completed", order_id=order.id, shop_id=order.shop_id)
    await drain(runtime)


async def run(runtime, config, ops: Sequence[tuple], rogue: list) -> list[Commission]:
    levels, rates, cap, binding, settle_days = config
    ROGUE["lines"] = rogue
    shop = await new_shop(f"p{next(_shops)}")
    await runtime.plugin_settings.set_for_shop(
        "distribution",
        shop,
        {
            "levels": levels,
            "rates": rates,
            "cap_percent": cap,
            "binding": binding,
            "settle_after_days": settle_days,
            "withdraw_min": 100,
        },
        "staff:test",
    )
    people = [await customer(f"p{i}") for i in range(PEOPLE)]
    codes = [(await active_distributor(shop, people[i])).code for i in range(DISTRIBUTORS)]
    model = Model(levels, binding)
    orders: list[tuple[Order, int]] = []
    completed_at: dict[int, dt.datetime] = {}
    clock, settlements = START, []  # clock readings at which settlement ran, in order
    for op in ops:
        kind = op[0]
        if kind == "bind":
            await bind_by_code(runtime, people[op[1]], codes[op[2]])
            model.bind(op[1], op[2])
        elif kind == "order":
            order = await place_order(runtime, shop, people[op[1]], op[2], order_discount=0)
            discount = min(op[3], order.total - 1)
            if discount > 0:  # an order-level coupon
                with shop_scope(shop):
                    await OrderAdjustment.create(
                        order=order, code="coupon", label="券", amount=-discount, plugin="t"
                    )
                    await Order.filter(id=order.id).update(total=order.total - discount)
                order.total -= discount
            assert order.referral_chain == [people[i] for i in model.chain(op[1])]
            orders.append((order, op[1]))
            if op[4] != "unpaid":
                await pay(runtime, order)
            if op[4] == "completed":
                await finish(runtime, order, clock)
                order.state = OrderState.COMPLETED
                completed_at[order.id] = (len(settlements), clock)
        elif kind == "pay" and orders:
            order = orders[op[1] % len(orders)][0]
            if order.state == OrderState.PENDING_PAYMENT:
                await pay(runtime, order)
        elif kind == "complete" and orders:
            order = orders[op[1] % len(orders)][0]
            if order.state == OrderState.PAID:
                await finish(runtime, order, clock)
                order.state = OrderState.COMPLETED
                completed_at[order.id] = (len(settlements), clock)
        elif kind == "refund" and orders:
            order = orders[op[1] % len(orders)][0]
            if order.state in (OrderState.PAID, OrderState.COMPLETED):
                with shop_scope(shop):
                    lines = await OrderLine.filter(order_id=order.id).order_by("id")
                    adjustments = await OrderAdjustment.filter(order_id=order.id)
                bases = line_bases(lines, adjustments)
                line = lines[op[2] % len(lines)]
                left = bases[line.id] - line.refunded_amount
                if left > 0:
                    await refund(runtime, order, {line.id: max(1, left * op[3] // 100)})
                    with shop_scope(shop):
                        order.state = (await Order.get(id=order.id)).state
        elif kind == "settle":
            clock += dt.timedelta(days=op[1])
            await settle_due(runtime, now=clock)
            settlements.append(clock)
        elif kind == "withdraw":
            try:
                w = await request_withdrawal(
                    runtime, shop, people[op[1]], op[2], f"w{len(ops)}{op}"
                )
                await approve_withdrawal(runtime, shop, w.id, "staff:test")
            except DistributionError:
                pass
    await check(shop, config, orders, people, completed_at, settlements)
    with shop_scope(shop):
        return await Commission.all()


async def check(shop, config, orders, people, completed_at, settlements) -> None:
    levels, rates, cap, _, settle_days = config
    await assert_consistent(shop)
    with shop_scope(shop):
        for order, _ in orders:
            fresh = await Order.get(id=order.id)
            commissions = await Commission.filter(order_id=order.id)
            if fresh.paid_amount == 0:
                assert commissions == [], "an unpaid order earned commission"
                continue
            lines = await OrderLine.filter(order_id=order.id).order_by("id")
            bases = line_bases(lines, await OrderAdjustment.filter(order_id=order.id))
            for line in lines:
                mine = [c for c in commissions if c.order_line_id == line.id]
                base, refunded = bases[line.id], min(line.refunded_amount, bases[line.id])
                assert sum(c.amount for c in mine) <= line_cap(base, Decimal(cap))
                assert sum(c.owed for c in mine) <= percent_of(base - refunded, cap)
                if refunded >= base:
                    assert all(c.owed == 0 for c in mine), "a fully refunded line still pays"
                for c in mine:
                    assert 1 <= c.level <= min(levels, 2)
                    assert c.beneficiary_id == fresh.referral_chain[c.level - 1]
                    assert c.base_amount == base
                defaults = sorted(
                    (c.level, c.amount, c.owed, c.state) for c in mine if c.plugin == "distribution"
                )
                expected = []
                for level in range(1, len(fresh.referral_chain) + 1):
                    amount = percent_of(base, rates[level - 1])
                    if amount <= 0:
                        continue
                    owed = amount * (base - refunded) // base
                    expected.append(
                        (
                            level,
                            amount,
                            owed,
                            _state(fresh, owed, completed_at, settlements, settle_days),
                        )
                    )
                assert defaults == expected


def _state(order, owed, completed_at, settlements, settle_days) -> str:
    if owed == 0:
        return "reversed"
    if order.id not in completed_at:
        return "pending"
    before, done = completed_at[order.id]
    ready = done + dt.timedelta(days=settle_days)
    # Available once a settlement ran after the completion, at or past the window's end.
    return "available" if any(t >= ready for t in settlements[before:]) else "frozen"


@pytest.fixture
async def world(make_runtime):
    data = plugins(rates=[10])
    data["plugins"]["enabled"].append("rogue")
    runtime = make_runtime(data, extra_plugins={"rogue": ROGUE_MODULE})
    async with runtime.running(run_jobs=False):
        yield runtime


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    config=st.tuples(rates_and_cap, st.sampled_from(["first", "last"]), st.integers(0, 7)).map(
        lambda t: (*t[0], t[1], t[2])
    ),
    ops=histories(),
    rogue=rogue_lines,
)
async def test_random_histories_keep_every_ledger_rule(world, config, ops, rogue):
    rows = await run(world, config, ops, rogue)
    event(f"commissions: {min(len(rows), 5)}+")
    event(f"reversed some: {any(c.reversed_amount for c in rows)}")
    event(f"available some: {any(c.state == 'available' for c in rows)}")
    event(f"rogue line kept: {any(c.plugin == 'rogue' for c in rows)}")
    target(float(len(rows)), label="commissions")
    target(float(sum(c.reversed_amount > 0 for c in rows)), label="reversed")
    target(float(sum(c.plugin == "rogue" for c in rows)), label="rogue kept")


@given(
    total=st.integers(0, 10**9),
    weights=st.dictionaries(st.integers(1, 50), st.integers(0, 10**7), min_size=1, max_size=8),
)
def test_allocation_adds_up_exactly_and_stays_proportional(total, weights):
    parts = allocate(total, weights)
    weight_sum = sum(weights.values())
    if weight_sum == 0 or total <= 0:
        assert set(parts.values()) <= {0}
        return
    assert sum(parts.values()) == total
    for key, weight in weights.items():
        assert abs(parts[key] * weight_sum - total * weight) < weight_sum
