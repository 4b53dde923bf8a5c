"""Helpers for the buyer-page tests: a running app, browsers with their own cookies, and
catalog rows made through the seller-side services."""

from __future__ import annotations

import itertools
import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import aiohttp
import pytest

from shequ.core import hookimpl
from shequ.core.accounts.models import Customer
from shequ.core.accounts.service import register
from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.models import Product
from shequ.core.catalog.products import add_image, create_category, create_product, publish
from shequ.core.demo.images import initial_picture
from shequ.core.runtime import Runtime
from shequ.core.shops.models import Shop

PASSWORD = "correct-horse-42"
ADDRESS = {
    "recipient": "张三",
    "phone": "13800000000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园1号",
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SPECS = {"颜色": ["红色", "蓝色"], "尺码": ["M", "L"]}
_seq = itertools.count(1)


def plugin(name: str, **hooks: Callable) -> types.ModuleType:
    """A plugin module made of the given hook implementations."""
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


@dataclass
class Response:
    status: int
    text: str
    headers: Any

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def token(self) -> str:
        match = CSRF.search(self.text)
        assert match, f"no CSRF token in the page ({self.status})"
        return unescape(match.group(1))


class Visitor:
    """One person's browser: its own cookie jar; redirects are not followed."""

    def __init__(self, client):
        self.client = client
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def get(self, path: str, **kwargs: Any) -> Response:
        url = self.client.make_url(path)
        async with self.session.get(url, allow_redirects=False, **kwargs) as answer:
            return Response(answer.status, await answer.text(), answer.headers)

    async def post(
        self, path: str, data: dict[str, Any] | None = None, *, token: str | None = None, **kw: Any
    ) -> Response:
        """POST a form; ``token`` defaults to a fresh one from a page with a form."""
        form = dict(data or {})
        if "csrf_token" not in form:
            form["csrf_token"] = token or await self.any_token()
        url = self.client.make_url(path)
        async with self.session.post(url, data=form, allow_redirects=False, **kw) as answer:
            return Response(answer.status, await answer.text(), answer.headers)

    async def any_token(self) -> str:
        """A CSRF token of this browser's session (the default shop's follow form)."""
        for path in ("/s/main", "/login"):
            page = await self.get(path)
            if CSRF.search(page.text):
                return page.token()
        raise AssertionError("no page with a form to take a CSRF token from")

    async def follow(self, response: Response) -> Response:
        assert response.status in (302, 303), (response.status, response.text[:300])
        return await self.get(response.location)

    async def login(self, identifier: str, password: str = PASSWORD) -> Response:
        page = await self.get("/login")
        return await self.post(
            "/login", {"identifier": identifier, "password": password}, token=page.token()
        )

    async def close(self) -> None:
        await self.session.close()


@dataclass
class Site:
    client: Any
    runtime: Runtime
    visitors: list[Visitor] = field(default_factory=list)

    def visitor(self) -> Visitor:
        visitor = Visitor(self.client)
        self.visitors.append(visitor)
        return visitor

    async def buyer(self, email: str | None = None) -> tuple[Visitor, Customer]:
        """A registered customer, signed in on a browser of their own."""
        email = email or f"buyer{next(_seq)}@shequ.test"
        customer = await register("email", email, PASSWORD, "小买")
        visitor = self.visitor()
        answer = await visitor.login(email)
        assert answer.status == 303, answer.text[:300]
        return visitor, customer


MULTI = {"platform": {"mode": "multi"}, "plugins": {"enabled": ["shipping"]}}


@pytest.fixture
async def site(aiohttp_client, make_app):
    """``await site(config, extra_plugins=...)``: a served app (multi-shop with the shipping
    plugin by default) and browsers that are closed afterwards."""
    made: list[Site] = []

    async def build(config: dict[str, Any] | None = None, **kwargs: Any) -> Site:
        config = MULTI if config is None else config
        plugins = kwargs.get("extra_plugins") or {}
        if plugins:
            enabled = list(config.get("plugins", {}).get("enabled", [])) + list(plugins)
            config = {**config, "plugins": {**config.get("plugins", {}), "enabled": enabled}}
        app = make_app(config, **kwargs)
        client = await aiohttp_client(app)
        app[RUNTIME].db.activate()
        built = Site(client, app[RUNTIME])
        made.append(built)
        return built

    yield build
    for built in made:
        for visitor in built.visitors:
            await visitor.close()


async def make_shop(slug: str | None = None, **fields: Any) -> Shop:
    n = next(_seq)
    return await Shop.create(slug=slug or f"shop{n}", name=fields.pop("name", f"小店{n}"), **fields)


async def make_product(
    runtime: Runtime,
    shop: Shop,
    *,
    title: str = "纯棉T恤",
    specs: dict[str, list[str]] | None = None,
    price: int = 1230,
    stock: int = 10,
    published: bool = True,
    image: bool = False,
    **fields: Any,
) -> Product:
    """A product with a SKU for every combination of ``specs`` (``{}``: one plain SKU)."""
    specs = SPECS if specs is None else specs
    combos: list[dict[str, str]] = [{}]
    for name, values in specs.items():
        combos = [{**combo, name: value} for combo in combos for value in values]
    n = next(_seq)
    data = {
        "title": title,
        "spec_attributes": [{"name": name, "values": values} for name, values in specs.items()],
        "skus": [
            {"code": f"T{n}-{i}", "specs": combo, "price": price + 100 * i, "stock": stock}
            for i, combo in enumerate(combos)
        ],
        **fields,
    }
    product = await create_product(runtime, shop.id, data)
    if image:
        await add_image(runtime, product, initial_picture(title, "T"), "p.png", "image/png")
    if published:
        product = await publish(runtime, shop.id, product.id)
    return product


async def make_category(runtime: Runtime, shop: Shop, name: str, **kwargs: Any):
    return await create_category(runtime, shop.id, name, **kwargs)


async def paid_order(runtime: Runtime, customer: Customer, sku_id: int, quantity: int = 1):
    """Place and pay an order through the services (no pages): returns the order."""
    from shequ.core.checkout.cart import CartOwner, add_line, find_cart
    from shequ.core.checkout.placement import place_orders
    from shequ.core.payments.models import Payment
    from shequ.core.payments.notifications import handle_notification
    from shequ.core.payments.providers import VerifiedNotification
    from shequ.core.shops.scope import ALL_SHOPS, shop_scope

    owner = CartOwner(customer_id=customer.id)
    await add_line(runtime, owner, sku_id, quantity)
    placed = await place_orders(
        runtime, customer.id, await find_cart(owner), ADDRESS, f"k{next(_seq)}"
    )
    await Payment.filter(id=placed.payment.id).update(provider="sandbox")
    outcome = await handle_notification(
        runtime,
        "sandbox",
        VerifiedNotification(
            notification_id=f"N{next(_seq)}",
            reference=placed.payment.reference,
            amount=placed.payment.amount,
            currency=placed.payment.currency,
            provider_ref=f"T{next(_seq)}",
        ),
    )
    assert outcome.code == "paid", outcome
    from shequ.core.orders.models import Order

    with shop_scope(ALL_SHOPS):
        return await Order.get(id=placed.orders[0].id)


async def first_sku(product: Product):
    from shequ.core.catalog.models import Sku
    from shequ.core.shops.scope import shop_scope

    with shop_scope(product.shop_id):
        return await Sku.filter(product_id=product.id).order_by("id").first()
