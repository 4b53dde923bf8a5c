"""Builders for distribution tests: shops, customers, distributors, orders and their events.

Orders are made directly with the models (as the brief asks) with the referral chain from
``snapshot_chain``; events reach the engine through the plugin's observers via the outbox.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence

from tortoise.transactions import in_transaction

from shequ.core.accounts.models import Customer
from shequ.core.checkout.models import Checkout
from shequ.core.distribution.chain import snapshot_chain
from shequ.core.distribution.codes import new_code
from shequ.core.distribution.models import Distributor, DistributorStatus
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.models import Order, OrderAdjustment, OrderLine, OrderState
from shequ.core.payments.models import Payment, Refund, RefundState
from shequ.core.runtime import Runtime
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import shop_scope

_numbers = itertools.count(1)


def plugins(**settings) -> dict:
    return {"plugins": {"enabled": ["distribution"], "distribution": settings}}


async def main_shop() -> int:
    return (await Shop.all().order_by("id").first()).id


async def new_shop(slug: str) -> int:
    return (await Shop.create(slug=slug, name=slug)).id


async def customer(name: str = "") -> int:
    return (await Customer.create(nickname=name)).id


async def active_distributor(shop_id: int, customer_id: int | None = None) -> Distributor:
    """A distributor row made directly (tests of binding do not depend on enrollment)."""
    customer_id = customer_id or await customer()
    with shop_scope(shop_id):
        return await Distributor.create(
            customer_id=customer_id, code=new_code(), status=DistributorStatus.ACTIVE
        )


async def place_order(
    runtime: Runtime,
    shop_id: int,
    buyer_id: int,
    lines: Sequence[tuple[int, int]] = ((10_000, 1),),
    *,
    order_discount: int = 0,
    shipping: int = 0,
    line_discounts: Sequence[int] | None = None,
    product_ids: Sequence[int] | None = None,
) -> Order:
    """An unpaid order: ``lines`` are (unit price, quantity) in fen."""
    async with in_transaction():
        chain = await snapshot_chain(runtime, shop_id, buyer_id)
        checkout = await Checkout.create(customer_id=buyer_id, idempotency_key=uuid.uuid4().hex)
        line_totals = []
        for i, (price, qty) in enumerate(lines):
            discount = line_discounts[i] if line_discounts else 0
            line_totals.append(price * qty - discount)
        subtotal = sum(price * qty for price, qty in lines)
        total = sum(line_totals) - order_discount + shipping
        payment = await Payment.create(
            customer_id=buyer_id, reference=f"P{uuid.uuid4().hex[:20]}", amount=total
        )
        with shop_scope(shop_id):
            order = await Order.create(
                number=f"T{next(_numbers):08d}{uuid.uuid4().hex[:6]}",
                customer_id=buyer_id,
                checkout=checkout,
                payment=payment,
                subtotal=subtotal,
                adjustments_total=total - subtotal,
                total=total,
                referral_chain=chain,
            )
            for i, (price, qty) in enumerate(lines):
                discount = line_discounts[i] if line_discounts else 0
                line = await OrderLine.create(
                    order=order,
                    product_id=product_ids[i] if product_ids else 1000 + i,
                    title=f"商品{i}",
                    unit_price=price,
                    quantity=qty,
                    line_subtotal=price * qty,
                    line_adjustments=-discount,
                    line_total=price * qty - discount,
                )
                if discount:
                    await OrderAdjustment.create(
                        order=order,
                        line=line,
                        code="line",
                        label="折扣",
                        amount=-discount,
                        plugin="t",
                    )
            if order_discount:
                await OrderAdjustment.create(
                    order=order, code="coupon", label="优惠券", amount=-order_discount, plugin="t"
                )
            if shipping:
                await OrderAdjustment.create(
                    order=order, code="shipping", label="运费", amount=shipping, plugin="t"
                )
    return order


async def _event(runtime: Runtime, hook: str, order: Order, **extra) -> None:
    await runtime.hooks.notify(hook, order_id=order.id, shop_id=order.shop_id, **extra)


async def drain(runtime: Runtime) -> None:
    while await runtime.runner.run_due():
        pass


async def pay(runtime: Runtime, order: Order, *, deliver: bool = True) -> None:
    async with in_transaction():
        with shop_scope(order.shop_id):
            await Order.filter(id=order.id).update(
                state=OrderState.PAID, paid_amount=order.total, paid_at=utcnow()
            )
        await _event(runtime, "shequ_order_paid", order)
    order.state = OrderState.PAID
    if deliver:
        await drain(runtime)


async def complete(runtime: Runtime, order: Order, *, deliver: bool = True) -> None:
    async with in_transaction():
        with shop_scope(order.shop_id):
            await Order.filter(id=order.id).update(
                state=OrderState.COMPLETED, completed_at=utcnow()
            )
        await _event(runtime, "shequ_order_completed", order)
    order.state = OrderState.COMPLETED
    if deliver:
        await drain(runtime)


async def refund(
    runtime: Runtime, order: Order, line_amounts: dict[int, int], *, deliver: bool = True
) -> None:
    """A succeeded refund of ``{order line id: fen}`` (the line totals are updated too)."""
    amount = sum(line_amounts.values())
    async with in_transaction():
        with shop_scope(order.shop_id):
            fresh = await Order.get(id=order.id)
            refunded = fresh.refunded_amount + amount
            state = OrderState.REFUNDED if refunded >= fresh.paid_amount else fresh.state
            await Order.filter(id=order.id).update(refunded_amount=refunded, state=state)
            for line_id, part in line_amounts.items():
                line = await OrderLine.get(id=line_id)
                await OrderLine.filter(id=line_id).update(
                    refunded_amount=line.refunded_amount + part
                )
            row = await Refund.create(
                order_id=order.id,
                payment_id=order.payment_id,
                amount=amount,
                line_amounts={str(k): v for k, v in line_amounts.items()},
                state=RefundState.SUCCEEDED,
                actor="staff:1",
            )
        await _event(runtime, "shequ_order_refunded", order, refund_id=row.id, amount=amount)
    if deliver:
        await drain(runtime)


async def order_lines(order: Order) -> list[OrderLine]:
    with shop_scope(order.shop_id):
        return await OrderLine.filter(order_id=order.id).order_by("id")
