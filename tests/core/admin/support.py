"""Helpers for the admin tests: a browser with its own cookies, shops, staff, products, orders."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from html import unescape
from typing import Any

import aiohttp

from shequ.core.accounts.models import Customer
from shequ.core.accounts.service import grant_role, register
from shequ.core.catalog.models import Product, Sku
from shequ.core.catalog.products import create_product, publish
from shequ.core.checkout.cart import CartOwner, add_line, find_cart
from shequ.core.checkout.placement import place_orders
from shequ.core.orders.models import Order, OrderTransition, Shipment
from shequ.core.payments.manual import confirm_manual_payment
from shequ.core.payments.models import Payment, Refund
from shequ.core.shops.models import Shop, ShopPluginSetting
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.accounts.support import PASSWORD

ADDRESS = {
    "recipient": "张三",
    "phone": "13800000000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园1号",
}
_seq = itertools.count(1)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """One person's browser: its own cookie jar against the test server."""

    def __init__(self, client):
        self.client = client
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    def url(self, path: str) -> str:
        return str(self.client.make_url(path))

    async def get(self, path: str, **kwargs: Any) -> tuple[int, str]:
        async with self.session.get(self.url(path), allow_redirects=False, **kwargs) as response:
            return response.status, await response.text()

    async def token(self, path: str = "/admin/login") -> str:
        # Follows redirects: a signed-in person's login page leads to an admin page.
        async with self.session.get(self.url(path)) as response:
            status, html = response.status, await response.text()
        match = _CSRF.search(html)
        assert match, f"no CSRF token on {path} ({status})"
        return unescape(match.group(1))

    async def post(
        self, path: str, data: Any = None, *, form_page: str | None = None, csrf: bool = True
    ) -> tuple[int, str, str]:
        """POST a form; the CSRF token comes from ``form_page`` (default: the login page,
        whose token is as good as any page's for this session). Returns (status, body,
        Location)."""
        data = dict(data or {}) if not isinstance(data, aiohttp.FormData) else data
        if csrf:
            token = await self.token(form_page or "/admin/login")
            if isinstance(data, aiohttp.FormData):
                data.add_field("csrf_token", token)
            else:
                data["csrf_token"] = token
        async with self.session.post(self.url(path), data=data, allow_redirects=False) as response:
            return response.status, await response.text(), response.headers.get("Location", "")

    async def login(self, identifier: str, password: str = PASSWORD) -> None:
        status, body, location = await self.post(
            "/admin/login", {"identifier": identifier, "password": password}
        )
        assert status == 303, (status, body)

    async def close(self) -> None:
        await self.session.close()


@dataclass
class Person:
    customer: Customer
    email: str


async def make_shop(name: str = "小店") -> Shop:
    n = next(_seq)
    return await Shop.create(slug=f"shop-{n}", name=f"{name}{n}")


async def make_person(role: str | None = None, shop: Shop | None = None, name: str = "") -> Person:
    email = f"user{next(_seq)}@example.com"
    customer = await register("email", email, PASSWORD, name or email.split("@")[0])
    if role is not None:
        await grant_role(customer, role, shop.id if shop is not None else None)
    return Person(customer, email)


async def make_product(
    runtime, shop: Shop, *, title: str = "苹果", price: int = 1000, stock: int = 50
) -> Product:
    product = await create_product(
        runtime,
        shop.id,
        {"title": title, "skus": [{"code": f"C{next(_seq)}", "price": price, "stock": stock}]},
    )
    return await publish(runtime, shop.id, product.id)


async def sku_of(product: Product) -> Sku:
    with shop_scope(product.shop_id):
        return await Sku.filter(product_id=product.id).order_by("id").first()


async def place(runtime, buyer: Customer, *lines: tuple[Product, int]) -> list[Order]:
    owner = CartOwner(customer_id=buyer.id)
    for product, quantity in lines:
        await add_line(runtime, owner, (await sku_of(product)).id, quantity)
    placed = await place_orders(
        runtime, buyer.id, await find_cart(owner), ADDRESS, f"key-{next(_seq)}"
    )
    return placed.orders


async def paid_order(runtime, buyer: Customer, *lines: tuple[Product, int]) -> Order:
    """One shop's order, paid by a confirmed offline transfer."""
    (order,) = await place(runtime, buyer, *lines)
    payment = await Payment.get(id=order.payment_id)
    outcome = await confirm_manual_payment(runtime, payment.reference, actor="test")
    assert outcome.code == "paid", outcome
    return await reload(order)


async def reload(order: Order) -> Order:
    with shop_scope(ALL_SHOPS):
        return await Order.get(id=order.id)


async def order_state(order: Order) -> dict[str, Any]:
    """Everything an order action could change (to prove a refused one changed nothing)."""
    with shop_scope(ALL_SHOPS):
        fresh = await Order.get(id=order.id)
        return {
            "state": fresh.state,
            "refunded": fresh.refunded_amount,
            "transitions": await OrderTransition.filter(order_id=order.id).count(),
            "shipments": await Shipment.filter(order_id=order.id).count(),
            "refunds": await Refund.filter(order_id=order.id).count(),
        }


async def product_state(product: Product) -> dict[str, Any]:
    with shop_scope(ALL_SHOPS):
        fresh = await Product.get(id=product.id)
        skus = (
            await Sku.filter(product_id=product.id)
            .order_by("id")
            .values_list("code", "price", "stock", "active")
        )
    return {"title": fresh.title, "status": fresh.status, "skus": skus}


async def overrides(shop: Shop) -> dict[str, dict[str, Any]]:
    rows = await ShopPluginSetting.filter(shop_id=shop.id).values_list("plugin", "values")
    return dict(rows)


def numbered() -> int:
    return next(_seq)
