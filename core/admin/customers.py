"""Customers: a shop sees those who ordered from it or follow it; the operator sees all."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from tortoise.expressions import Q, Subquery

from shequ.core.accounts.models import Customer, Identity, ShopFollow
from shequ.core.admin.forms import paginate, text
from shequ.core.admin.guard import ShopAccess, StaffMember, platform_page, shop_page
from shequ.core.admin.rendering import render
from shequ.core.orders.models import Order
from shequ.core.shops.scope import ALL_SHOPS, shop_scope


def masked(kind: str, value: str) -> str:
    """Enough to recognise a customer, not enough to copy their contact (+86138****5678)."""
    if kind == "phone" and len(value) >= 11:
        return value[:-8] + "****" + value[-4:]
    if kind == "email" and "@" in value:
        name, domain = value.split("@", 1)
        return f"{name[:2]}***@{domain}"
    if kind.startswith("wechat"):
        return "微信用户"
    return value


async def _rows(customers: list[Customer], *, shop_id: int | None) -> list[dict[str, Any]]:
    ids = [customer.id for customer in customers]
    contacts: dict[int, list[str]] = {}
    for customer_id, kind, value in await Identity.filter(customer_id__in=ids).values_list(
        "customer_id", "kind", "value"
    ):
        contacts.setdefault(customer_id, []).append(masked(kind, value))
    orders: dict[int, list[int]] = {}
    # Order totals of this shop only, or of every shop for the platform's view.
    with shop_scope(ALL_SHOPS if shop_id is None else shop_id):
        for customer_id, paid, refunded in await Order.filter(customer_id__in=ids).values_list(
            "customer_id", "paid_amount", "refunded_amount"
        ):
            count_and_net = orders.setdefault(customer_id, [0, 0])
            count_and_net[0] += 1
            count_and_net[1] += paid - refunded
    follows = ShopFollow.filter(customer_id__in=ids)
    if shop_id is not None:
        follows = follows.filter(shop_id=shop_id)
    following = set(await follows.values_list("customer_id", flat=True))
    return [
        {
            "customer": customer,
            "contacts": contacts.get(customer.id, []),
            "orders": orders.get(customer.id, [0, 0])[0],
            "spent": orders.get(customer.id, [0, 0])[1],
            "follows": customer.id in following,
        }
        for customer in customers
    ]


def _searched(customers, q: str):
    if not q:
        return customers
    return customers.filter(Q(nickname__icontains=q) | Q(identities__value__icontains=q))


@shop_page()
async def customer_list(request: web.Request, access: ShopAccess) -> web.Response:
    q = text(request.query, "q", max_length=64)
    shop_id = access.shop.id
    # Customers belong to the platform; this shop's are its buyers and followers.
    # Subqueries keep this one statement however many buyers a shop has.
    buyers = Subquery(Order.all().values("customer_id"))  # scoped to this shop
    followers = Subquery(ShopFollow.filter(shop_id=shop_id).values("customer_id"))
    customers = Customer.filter(Q(id__in=buyers) | Q(id__in=followers))
    customers = _searched(customers, q).distinct()
    page = await paginate(customers.order_by("-id"), request.query, {"q": q})
    rows = await _rows(page.items, shop_id=shop_id)
    return await render(request, "customers.html", {"page": page, "rows": rows, "q": q})


@platform_page
async def platform_customers(request: web.Request, staff: StaffMember) -> web.Response:
    q = text(request.query, "q", max_length=64)
    customers = _searched(Customer.all(), q).distinct()
    page = await paginate(customers.order_by("-id"), request.query, {"q": q})
    rows = await _rows(page.items, shop_id=None)
    return await render(
        request, "customers.html", {"page": page, "rows": rows, "q": q, "platform": True}
    )
