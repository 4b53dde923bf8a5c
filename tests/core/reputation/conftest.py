"""Reputation test helpers: shops, customers and orders written straight to the models."""

from __future__ import annotations

import datetime as dt
import itertools
import types
from dataclasses import dataclass
from typing import Any

import pytest

from shequ.core import hookimpl
from shequ.core.accounts.models import Customer, StaffRole
from shequ.core.catalog.models import Product, ProductStatus
from shequ.core.checkout.models import Checkout
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.models import Order, OrderLine, OrderState
from shequ.core.reputation.models import Review, ReviewAudit
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

_numbers = itertools.count(1)


def plugin(name: str, **hooks: Any) -> types.ModuleType:
    """A plugin module whose hooks are the given functions."""
    module = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(module, hook_name, hookimpl(fn))
    return module


def enabled(*names: str) -> dict[str, Any]:
    return {"plugins": {"enabled": list(names)}}


async def make_shop(slug: str, status: str = "active") -> Shop:
    return await Shop.create(slug=slug, name=slug.upper(), status=status)


async def make_customer(nickname: str = "小王") -> Customer:
    return await Customer.create(nickname=nickname)


async def make_product(shop: Shop, title: str = "土鸡蛋", **fields: Any) -> Product:
    fields.setdefault("status", ProductStatus.PUBLISHED)
    with shop_scope(shop.id):
        return await Product.create(title=title, **fields)


async def make_order(
    shop: Shop,
    customer: Customer,
    state: str = OrderState.COMPLETED,
    product_ids: tuple[int, ...] = (101,),
    paid: bool = True,
    created_at: dt.datetime | None = None,
) -> Order:
    """An order with one line per product id (unit price 1000 fen, quantity 1)."""
    n = next(_numbers)
    checkout = await Checkout.create(customer=customer, idempotency_key=f"k{n}")
    total = 1000 * len(product_ids)
    with shop_scope(shop.id):
        order = await Order.create(
            number=f"T{n:08d}",
            customer=customer,
            checkout=checkout,
            state=state,
            subtotal=total,
            total=total,
            paid_amount=total if paid else 0,
            paid_at=utcnow() if paid else None,
        )
        for product_id in product_ids:
            await OrderLine.create(
                order=order,
                product_id=product_id,
                title=f"商品 {product_id}",
                unit_price=1000,
                quantity=1,
                line_subtotal=1000,
                line_total=1000,
            )
        if created_at is not None:
            await Order.filter(id=order.id).update(created_at=created_at)
    return order


async def first_line(order: Order) -> OrderLine:
    with shop_scope(order.shop_id):
        return await OrderLine.filter(order_id=order.id).order_by("id").first()


async def stored_reviews() -> list[Review]:
    with shop_scope(ALL_SHOPS):
        return await Review.all()


async def audit_of(review_id: int) -> list[ReviewAudit]:
    with shop_scope(ALL_SHOPS):
        return await ReviewAudit.filter(review_id=review_id).order_by("id")


@dataclass
class World:
    """One shop with an owner, a staff member, a platform operator and a buyer."""

    shop: Shop
    other_shop: Shop
    owner: Customer
    staff: Customer
    operator: Customer
    buyer: Customer
    stranger: Customer
    order: Order


async def build_world() -> World:
    shop = await make_shop("eggs")
    other_shop = await make_shop("tea")
    owner, staff, operator = (
        await make_customer("店主"),
        await make_customer("店员"),
        await make_customer("平台"),
    )
    buyer, stranger = await make_customer("小王"), await make_customer("路人")
    await StaffRole.create(customer=owner, shop=shop, role="owner")
    await StaffRole.create(customer=staff, shop=shop, role="staff")
    await StaffRole.create(customer=operator, shop=None, role="operator")
    order = await make_order(shop, buyer, product_ids=(101, 102))
    return World(shop, other_shop, owner, staff, operator, buyer, stranger, order)


@pytest.fixture
async def world(runtime) -> World:
    return await build_world()
