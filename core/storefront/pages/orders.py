"""The buyer's orders: the list (``/orders``), one order with its status timeline
(``/orders/{number}``), and its actions: pay, cancel, confirm receipt, request a refund."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.models import Product
from shequ.core.orders import service
from shequ.core.orders.errors import CommerceError
from shequ.core.orders.models import (
    Order,
    OrderLine,
    OrderState,
    RefundRequest,
    RefundRequestState,
)
from shequ.core.orders.states import REFUNDABLE
from shequ.core.orders.views import order_detail
from shequ.core.payments.models import Payment
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from shequ.core.storefront.pages.cart_view import specs_text
from shequ.core.storefront.pages.checkout import go_pay
from shequ.core.storefront.pages.flash import flash
from shequ.core.storefront.pages.forms import login_redirect, see_other, text, yuan_to_fen
from shequ.core.storefront.pages.listing_params import ListingParams, page_links
from shequ.core.storefront.pages.messages import describe
from shequ.core.storefront.pages.view import not_found, page, translate

PER_PAGE = 10
# The list's tabs, in order; "" is every order.
TABS = (
    "",
    OrderState.PENDING_PAYMENT,
    OrderState.PAID,
    OrderState.SHIPPED,
    OrderState.COMPLETED,
    OrderState.REFUNDED,
)
MAX_REASON = 255


@dataclass(frozen=True)
class OrderCard:
    number: str
    state: str
    shop_name: str
    first_title: str
    line_count: int
    quantity: int
    total: int
    currency: str
    created_at: dt.datetime | None


@dataclass(frozen=True)
class Tab:
    state: str
    url: str
    current: bool


async def order_list(request: web.Request) -> web.Response:
    customer = request.get("customer")
    if customer is None:
        raise login_redirect(request)
    state = request.query.get("state", "")
    state = state if state in TABS else ""
    params = ListingParams.of(request.query)
    filters = {"customer_id": customer.id, **({"state": state} if state else {})}
    with shop_scope(ALL_SHOPS):  # a buyer's orders span shops; the customer is the filter
        query = Order.filter(**filters)
        total = await query.count()
        orders = await query.order_by("-id").offset((params.page - 1) * PER_PAGE).limit(PER_PAGE)
        lines = await OrderLine.filter(order_id__in=[o.id for o in orders]).order_by("id")
    names = dict(await Shop.filter(id__in={o.shop_id for o in orders}).values_list("id", "name"))
    by_order: dict[int, list[OrderLine]] = {}
    for line in lines:
        by_order.setdefault(line.order_id, []).append(line)
    cards = [
        OrderCard(
            number=order.number,
            state=order.state,
            shop_name=names.get(order.shop_id, ""),
            first_title=by_order[order.id][0].title if by_order.get(order.id) else "",
            line_count=len(by_order.get(order.id, [])),
            quantity=sum(line.quantity for line in by_order.get(order.id, [])),
            total=order.total,
            currency=order.currency,
            created_at=order.created_at,
        )
        for order in orders
    ]
    pages = -(-total // PER_PAGE)
    context = {
        "orders": cards,
        "tabs": [
            Tab(tab, f"/orders?state={tab}" if tab else "/orders", tab == state) for tab in TABS
        ],
        "pager": page_links("/orders", {"state": state}, params.page, pages),
    }
    return await page(request, "orders.html", context)


def _with_times(detail: dict[str, Any]) -> dict[str, Any]:
    """The API view of an order carries ISO strings; templates format datetimes."""

    def parsed(value: Any) -> Any:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else value

    for key, value in list(detail.items()):
        if key.endswith("_at"):
            detail[key] = parsed(value)
    for step in detail["history"]:
        step["at"] = parsed(step["at"])
    for shipment in detail["shipments"]:
        shipment["created_at"] = parsed(shipment["created_at"])
    return detail


async def show_order(
    request: web.Request, order: Order, *, status: int = 200, error: str | None = None
) -> web.Response:
    detail = _with_times(await order_detail(order))
    with shop_scope(order.shop_id):
        attributes = dict(
            await Product.filter(
                id__in={line["product_id"] for line in detail["lines"]}
            ).values_list("id", "spec_attributes")
        )
    for line in detail["lines"]:
        line["specs_text"] = specs_text(line["specs"], attributes.get(line["product_id"]) or [])
    with shop_scope(order.shop_id):
        requests = await RefundRequest.filter(order_id=order.id).order_by("-id")
    shop = await Shop.get_or_none(id=order.shop_id)
    refundable = order.paid_amount - order.refunded_amount
    open_request = any(r.state == RefundRequestState.OPEN for r in requests)
    context = {
        "order": detail,
        "order_shop": shop,
        "refund_requests": requests,
        "can_pay": order.state == OrderState.PENDING_PAYMENT and order.payment_id is not None,
        "can_cancel": order.state == OrderState.PENDING_PAYMENT,
        "can_confirm": order.state == OrderState.SHIPPED,
        "can_refund": order.state in REFUNDABLE and refundable > 0 and not open_request,
        "refundable": refundable,
    }
    return await page(request, "order.html", context, status=status, error=error)


async def _own_order(request: web.Request) -> Order | None:
    try:
        return await service.customer_order(request["customer"].id, request.match_info["number"])
    except CommerceError:
        return None


async def order_page(request: web.Request) -> web.Response:
    if request.get("customer") is None:
        raise login_redirect(request)
    order = await _own_order(request)
    if order is None:
        return await not_found(request)
    return await show_order(request, order)


async def order_action(request: web.Request) -> web.Response:
    """``/orders/{number}/pay|cancel|confirm|refund`` (POST forms of the order page)."""
    customer = request.get("customer")
    number = request.match_info["number"]
    back = f"/orders/{number}"
    if customer is None:
        raise login_redirect(request, back)
    order = await _own_order(request)
    if order is None:
        return await not_found(request)
    runtime = request.app[RUNTIME]
    action = request.match_info["action"]
    form = await request.post()
    try:
        if action == "pay":
            if order.state != OrderState.PENDING_PAYMENT or order.payment_id is None:
                await flash(request, translate(request, "This order is already paid or closed."))
                raise see_other(back)
            payment = await Payment.get(id=order.payment_id)
            return await go_pay(request, payment.reference, back)
        if action == "cancel":
            await service.buyer_cancel(runtime, customer.id, number)
            message = "The order is cancelled."
        elif action == "confirm":
            await service.confirm_receipt(runtime, customer.id, number)
            message = "Receipt confirmed. Thank you!"
        else:
            raw = text(form, "amount", 16)
            amount = yuan_to_fen(raw) if raw else None
            if raw and not amount:
                error = translate(request, "Enter an amount in yuan, such as 12.50.")
                return await show_order(request, order, status=422, error=error)
            reason = text(form, "reason", MAX_REASON)
            await service.request_refund(runtime, customer.id, number, amount=amount, reason=reason)
            message = "Your refund request is sent to the seller."
    except CommerceError as exc:
        order = await service.customer_order(customer.id, number)
        return await show_order(request, order, status=exc.status, error=describe(request, exc))
    await flash(request, translate(request, message))
    raise see_other(back)
