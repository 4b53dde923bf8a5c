"""Placing a cart: one checkout, one order per shop, one payment, all or nothing."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from shequ.core.checkout.cart import CartOwner, find_cart
from shequ.core.checkout.models import Cart, CartLine, Checkout
from shequ.core.checkout.placement import place_orders
from shequ.core.hooktypes import Adjustment
from shequ.core.jobs.models import Job
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.errors import Conflict, Invalid, OutOfStock, Vetoed
from shequ.core.orders.models import (
    Order,
    OrderAdjustment,
    OrderState,
    OrderTransition,
)
from shequ.core.orders.timing import UNPAID_WINDOW_MINUTES
from shequ.core.payments.models import Payment, PaymentState
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.orders.commerce import (
    ADDRESS,
    fill_cart,
    lines_of,
    make_customer,
    make_shop,
    make_sku,
    place,
    plugin,
    snapshot,
    stock_of,
    with_plugins,
)


async def cart_of(customer) -> Cart | None:
    return await find_cart(CartOwner(customer_id=customer.id))


async def test_one_order_per_shop_and_one_payment(make_runtime):
    coupons = plugin(
        "coupons",
        shequ_price_adjustments=lambda draft: [
            Adjustment("vip", "会员价", -100, line_key=draft.lines[0].key)
        ],
    )
    runtime = make_runtime(**with_plugins(coupons, enable=("shipping",)))
    async with runtime.running(run_jobs=False):
        a, b = await make_shop(), await make_shop()
        apple = await make_sku(a, price=1200, stock=10, specs={"颜色": "红"})
        tea = await make_sku(b, price=10000, stock=3, title="茶")
        customer = await make_customer()
        before = utcnow()
        placed = await place(runtime, customer, (apple, 2), (tea, 1), note="请尽快发货")

        assert [o.shop_id for o in placed.orders] == [a.id, b.id]
        first, second = placed.orders
        # shop a: 2400 - 100 (vip) + 1000 shipping; shop b: 10000 - 100, free shipping
        assert (first.subtotal, first.adjustments_total, first.total) == (2400, 900, 3300)
        assert (second.subtotal, second.adjustments_total, second.total) == (10000, -100, 9900)
        assert placed.payment.amount == 3300 + 9900 and placed.payment.state == "pending"
        assert await stock_of(apple) == 8 and await stock_of(tea) == 2
        assert await CartLine.filter(cart_id=(await cart_of(customer)).id).count() == 0
        checkout = await Checkout.get(id=placed.checkout.id)
        assert checkout.payment_id == placed.payment.id

        with shop_scope(a.id):
            order = await Order.get(id=first.id)
            (line,) = await lines_of(order)
            adjustments = await OrderAdjustment.filter(order_id=order.id).order_by("id")
            (history,) = await OrderTransition.filter(order_id=order.id)
        assert order.state == OrderState.PENDING_PAYMENT and order.number.isdigit()
        assert order.shipping_address == ADDRESS and order.buyer_note == "请尽快发货"
        assert order.referral_chain == []
        window = dt.timedelta(minutes=UNPAID_WINDOW_MINUTES)
        assert before + window <= order.expires_at <= utcnow() + window
        assert (line.title, line.specs, line.unit_price, line.quantity) == (
            "苹果",
            {"颜色": "红"},
            1200,
            2,
        )
        assert (line.line_subtotal, line.line_adjustments, line.line_total) == (2400, -100, 2300)
        assert [(x.plugin, x.code, x.amount, x.line_id) for x in adjustments] == [
            ("coupons", "vip", -100, line.id),
            ("shipping", "shipping", 1000, None),
        ]
        assert order.total == sum(x.amount for x in adjustments) + order.subtotal
        assert (history.from_state, history.to_state, history.actor) == (
            "",
            "pending_payment",
            f"customer:{customer.id}",
        )


async def test_order_created_is_announced_after_commit(make_runtime):
    created = []
    watcher = plugin(
        "watcher", shequ_order_created=lambda order_id, shop_id: created.append((order_id, shop_id))
    )
    runtime = make_runtime(**with_plugins(watcher))
    async with runtime.running(run_jobs=False):
        shop = await make_shop()
        placed = await place(runtime, await make_customer(), (await make_sku(shop), 1))
        assert created == []  # queued in the outbox with the order, not called inline
        jobs = [j for j in await Job.all() if j.payload.get("hook") == "shequ_order_created"]
        assert len(jobs) == 1
        await runtime.runner.run_due()
        assert created == [(placed.orders[0].id, shop.id)]


async def test_out_of_stock_rolls_everything_back(runtime):
    a, b = await make_shop(), await make_shop()
    plenty, scarce = await make_sku(a, stock=10), await make_sku(b, stock=2, title="限量")
    customer = await make_customer()
    await fill_cart(runtime, customer, (plenty, 3), (scarce, 2))
    with shop_scope(b.id):  # someone else bought it meanwhile
        from shequ.core.catalog.models import Sku

        await Sku.filter(id=scarce.id).update(stock=1)
    before = await snapshot()
    with pytest.raises(OutOfStock) as caught:
        await place_orders(runtime, customer.id, await cart_of(customer), ADDRESS, "key-1")
    assert caught.value.sku_id == scarce.id and caught.value.status == 409
    assert "限量" in caught.value.message
    assert await snapshot() == before  # no checkout, no order, no payment; stock untouched


async def test_stock_taken_before_a_later_failure_is_given_back(runtime):
    """The first SKU's stock is really taken, then the second fails: one transaction."""
    shop = await make_shop()
    first, second = await make_sku(shop, stock=5), await make_sku(shop, stock=5)
    customer = await make_customer()
    await fill_cart(runtime, customer, (first, 2), (second, 2))
    from shequ.core.catalog.models import Sku

    with shop_scope(shop.id):
        # The cart check passes (stock looked fine); the conditional update then fails.
        await Sku.filter(id=second.id).update(stock=1)
    before = await snapshot()
    with pytest.raises(OutOfStock):
        await place_orders(runtime, customer.id, await cart_of(customer), ADDRESS, "key-2")
    assert await snapshot() == before
    assert await stock_of(first) == 5


async def test_validate_order_veto_writes_nothing(make_runtime):
    seen = []

    def no_remote(draft):
        seen.append((draft.shop_id, draft.total, draft.shipping_address["province"]))
        return "偏远地区暂不发货" if draft.shipping_address["province"] == "广东省" else None

    runtime = make_runtime(**with_plugins(plugin("regions", shequ_validate_order=no_remote)))
    async with runtime.running(run_jobs=False):
        shop = await make_shop()
        sku = await make_sku(shop, price=700)
        customer = await make_customer()
        await fill_cart(runtime, customer, (sku, 1))
        before = await snapshot()
        with pytest.raises(Vetoed) as caught:
            await place_orders(runtime, customer.id, await cart_of(customer), ADDRESS, "k")
        assert caught.value.message == "偏远地区暂不发货"
        assert seen == [(shop.id, 700, "广东省")]  # the priced draft
        assert await snapshot() == before


async def test_same_key_twice_gives_the_same_orders(runtime):
    shop = await make_shop()
    sku = await make_sku(shop, stock=10)
    customer = await make_customer()
    first = await place(runtime, customer, (sku, 2), key="double")
    again = await place_orders(runtime, customer.id, await cart_of(customer), ADDRESS, "double")
    assert again.replayed and not first.replayed
    assert [o.id for o in again.orders] == [o.id for o in first.orders]
    assert again.payment.id == first.payment.id
    assert await stock_of(sku) == 8
    with shop_scope(ALL_SHOPS):
        assert await Order.all().count() == 1


async def test_same_key_concurrently_gives_one_set_of_orders(runtime):
    shop = await make_shop()
    sku = await make_sku(shop, stock=10)
    customer = await make_customer()
    await fill_cart(runtime, customer, (sku, 3))
    cart = await cart_of(customer)
    results = await asyncio.gather(
        *[place_orders(runtime, customer.id, cart, ADDRESS, "same-key") for _ in range(8)]
    )
    assert len({tuple(o.id for o in r.orders) for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert await stock_of(sku) == 7
    with shop_scope(ALL_SHOPS):
        assert await Order.all().count() == 1
    assert await Checkout.all().count() == 1 and await Payment.all().count() == 1


async def test_reusing_a_key_for_a_different_checkout_is_409(runtime):
    shop = await make_shop()
    apple, pear = await make_sku(shop), await make_sku(shop, title="梨")
    customer = await make_customer()
    await place(runtime, customer, (apple, 1), key="reused")
    await fill_cart(runtime, customer, (pear, 1))
    before = await snapshot()
    with pytest.raises(Conflict) as caught:
        await place_orders(runtime, customer.id, await cart_of(customer), ADDRESS, "reused")
    assert caught.value.code == "idempotency_key_reused"
    other_address = {**ADDRESS, "detail": "另一个地址"}
    with pytest.raises(Conflict):
        await place_orders(runtime, customer.id, None, other_address, "reused")
    assert await snapshot() == before


async def test_keys_belong_to_one_customer(runtime):
    shop = await make_shop()
    sku = await make_sku(shop)
    one, two = await make_customer(), await make_customer()
    await place(runtime, one, (sku, 1), key="shared")
    placed = await place(runtime, two, (sku, 1), key="shared")
    assert not placed.replayed and placed.orders[0].customer_id == two.id


@pytest.mark.parametrize(
    ("address", "key", "note", "field"),
    [
        ({**ADDRESS, "phone": ""}, "k", "", "address.phone"),
        ({k: v for k, v in ADDRESS.items() if k != "city"}, "k", "", "address.city"),
        (None, "k", "", "address"),
        (ADDRESS, "", "", "idempotency_key"),
        (ADDRESS, "has space", "", "idempotency_key"),
        (ADDRESS, "k" * 65, "", "idempotency_key"),
        (ADDRESS, "k", "x" * 201, "buyer_note"),
    ],
)
async def test_bad_placement_input_changes_nothing(runtime, address, key, note, field):
    sku = await make_sku(await make_shop())
    customer = await make_customer()
    await fill_cart(runtime, customer, (sku, 1))
    before = await snapshot()
    with pytest.raises(Invalid) as caught:
        await place_orders(runtime, customer.id, await cart_of(customer), address, key, note)
    assert caught.value.field == field
    assert await snapshot() == before


async def test_empty_cart_and_mixed_currencies_are_refused(runtime):
    customer = await make_customer()
    with pytest.raises(Invalid) as empty:
        await place_orders(runtime, customer.id, None, ADDRESS, "k")
    assert empty.value.code == "cart_empty"
    shop = await make_shop()
    await fill_cart(
        runtime,
        customer,
        (await make_sku(shop), 1),
        (await make_sku(shop, currency="HKD"), 1),
    )
    with pytest.raises(Invalid) as mixed:
        await place_orders(runtime, customer.id, await cart_of(customer), ADDRESS, "k")
    assert mixed.value.code == "mixed_currency"


async def test_nothing_to_pay_is_paid_on_the_spot(make_runtime):
    free = plugin(
        "free", shequ_price_adjustments=lambda draft: [Adjustment("gift", "赠品", -draft.subtotal)]
    )
    runtime = make_runtime(**with_plugins(free))
    async with runtime.running(run_jobs=False):
        placed = await place(runtime, await make_customer(), (await make_sku(await make_shop()), 1))
        (order,) = placed.orders
        assert (order.total, order.state) == (0, OrderState.PAID)
        assert placed.payment.state == PaymentState.SUCCEEDED


def test_an_address_without_a_district_is_accepted_other_fields_are_required():
    from shequ.core.checkout.placement import address_snapshot
    from shequ.core.orders.errors import Invalid

    address = {
        "recipient": "李四",
        "phone": "13800138000",
        "province": "广东省",
        "city": "东莞市",
        "district": "",
        "detail": "南城街道 1 号",
    }
    assert address_snapshot(address)["district"] == ""
    with pytest.raises(Invalid) as refused:
        address_snapshot({**address, "city": ""})
    assert refused.value.field == "address.city"
