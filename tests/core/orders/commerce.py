"""Builders for commerce tests: shops, SKUs, customers, carts, placed and paid orders.

Rows are created directly with the models (inside shop scopes), so these tests do not depend
on the catalog and accounts services.
"""

from __future__ import annotations

import itertools
import types
from typing import Any

import pytest

from shequ.core import hookimpl
from shequ.core.accounts.models import Customer
from shequ.core.accounts.tokens import issue_token
from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.models import Product, ProductStatus, Sku
from shequ.core.checkout.cart import CartOwner, add_line, find_cart
from shequ.core.checkout.placement import Placement, place_orders
from shequ.core.orders.models import Order, OrderLine
from shequ.core.payments.models import Payment
from shequ.core.payments.notifications import handle_notification
from shequ.core.payments.providers import VerifiedNotification
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

ADDRESS = {
    "recipient": "张三",
    "phone": "13800000000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园1号",
}
_seq = itertools.count(1)


async def make_shop(name: str = "小店", status: str = "active") -> Shop:
    n = next(_seq)
    return await Shop.create(slug=f"shop{n}", name=f"{name}{n}", status=status)


async def make_sku(
    shop: Shop,
    *,
    price: int = 1000,
    stock: int = 10,
    title: str = "苹果",
    published: bool = True,
    active: bool = True,
    currency: str = "CNY",
    specs: dict[str, Any] | None = None,
) -> Sku:
    with shop_scope(shop.id):
        product = await Product.create(
            title=title,
            status=ProductStatus.PUBLISHED if published else ProductStatus.DRAFT,
            min_price=price,
            max_price=price,
            currency=currency,
        )
        sku = await Sku.create(
            product_id=product.id,
            code=f"SKU{next(_seq)}",
            specs=specs or {"规格": "标准"},
            price=price,
            stock=stock,
            active=active,
            currency=currency,
        )
    return sku


async def make_customer(name: str = "买家") -> Customer:
    return await Customer.create(nickname=f"{name}{next(_seq)}")


async def bearer(customer: Customer) -> dict[str, str]:
    return {"Authorization": f"Bearer {await issue_token(customer.id)}"}


async def fill_cart(runtime, customer: Customer, *lines: tuple[Sku, int]) -> None:
    owner = CartOwner(customer_id=customer.id)
    for sku, quantity in lines:
        await add_line(runtime, owner, sku.id, quantity)


async def place(
    runtime, customer: Customer, *lines: tuple[Sku, int], key: str | None = None, note: str = ""
) -> Placement:
    await fill_cart(runtime, customer, *lines)
    cart = await find_cart(CartOwner(customer_id=customer.id))
    return await place_orders(runtime, customer.id, cart, ADDRESS, key or f"k{next(_seq)}", note)


async def pay(runtime, payment: Payment, *, amount: int | None = None, nid: str | None = None):
    """Deliver a verified sandbox notification for ``payment`` (signature checks are tested
    separately, through HTTP)."""
    notification = VerifiedNotification(
        notification_id=nid or f"N{next(_seq)}",
        reference=payment.reference,
        amount=payment.amount if amount is None else amount,
        currency=payment.currency,
        provider_ref=f"T{next(_seq)}",
    )
    return await handle_notification(runtime, "sandbox", notification)


async def paid_orders(runtime, customer: Customer, *lines: tuple[Sku, int]) -> list[Order]:
    placed = await place(runtime, customer, *lines)
    await Payment.filter(id=placed.payment.id).update(provider="sandbox")
    outcome = await pay(runtime, placed.payment)
    assert outcome.code == "paid", outcome
    return [await reload(order) for order in placed.orders]


async def reload(order: Order) -> Order:
    with shop_scope(ALL_SHOPS):
        return await Order.get(id=order.id)


async def lines_of(order: Order) -> list[OrderLine]:
    with shop_scope(order.shop_id):
        return await OrderLine.filter(order_id=order.id).order_by("id")


async def stock_of(sku: Sku) -> int:
    with shop_scope(ALL_SHOPS):
        return (await Sku.get(id=sku.id)).stock


async def snapshot() -> dict[str, int]:
    """Row counts of every table the commerce services write, plus stock and amounts."""
    from shequ.core.checkout.models import Cart, CartLine, Checkout
    from shequ.core.jobs.models import Job
    from shequ.core.orders.models import (
        OrderAdjustment,
        OrderTransition,
        RefundRequest,
        Shipment,
    )
    from shequ.core.payments.models import PaymentNotification, Refund

    counts: dict[str, Any] = {}
    for model in (Cart, CartLine, Checkout, Payment, PaymentNotification, Job):
        counts[model.__name__] = await model.all().count()
    with shop_scope(ALL_SHOPS):
        for model in (
            Order,
            OrderLine,
            OrderAdjustment,
            OrderTransition,
            Shipment,
            Refund,
            RefundRequest,
        ):
            counts[model.__name__] = await model.all().count()
        counts["stock"] = sorted(await Sku.all().values_list("id", "stock"))
        counts["orders"] = sorted(
            await Order.all().values_list("id", "state", "paid_amount", "refunded_amount")
        )
        counts["cart_lines"] = sorted(await CartLine.all().values_list("id", "quantity"))
    counts["payments"] = sorted(await Payment.all().values_list("id", "state", "refunded_amount"))
    return counts


def plugin(name: str, **hooks: Any) -> types.ModuleType:
    """A plugin module whose hooks are the given functions."""
    module = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(module, hook_name, hookimpl(fn))
    return module


def with_plugins(*modules: types.ModuleType, enable: tuple[str, ...] = ()) -> dict[str, Any]:
    """make_runtime/make_app arguments enabling these test plugins (and built-ins by name)."""
    return {
        "data": {"plugins": {"enabled": [*enable, *(m.__name__ for m in modules)]}},
        "extra_plugins": {m.__name__: m for m in modules},
    }


@pytest.fixture
def commerce_app(aiohttp_client, make_app):
    """``await commerce_app(settings, extra_plugins=...)`` -> (client, runtime), the database
    bound in the calling test."""

    async def build(data: dict[str, Any] | None = None, **kwargs: Any):
        app = make_app(data, **kwargs)
        client = await aiohttp_client(app)
        runtime = app[RUNTIME]
        runtime.db.activate()
        return client, runtime

    return build


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "field"}
    return body["error"]
