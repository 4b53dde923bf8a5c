"""Orders: list with filters, detail with history, and the seller's actions.

Actions call the order and payment services with the seller's shop id and the staff
member's actor (``staff:<id>`` / ``operator:<id>``), so every transition records who did it.
A refused action re-renders the order with the reason and a 4xx status; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from aiohttp import web
from tortoise.queryset import QuerySet

from shequ.core.accounts.models import Customer
from shequ.core.admin.flash import flash, see_other
from shequ.core.admin.forms import FormError, day, day_start, paginate, text
from shequ.core.admin.guard import Denied, ShopAccess, shop_page
from shequ.core.admin.money import MoneyError, format_money, parse_yuan
from shequ.core.admin.rendering import STATE_LABELS, render
from shequ.core.appkeys import RUNTIME
from shequ.core.orders import states
from shequ.core.orders.errors import CommerceError, Vetoed
from shequ.core.orders.models import (
    Order,
    OrderAdjustment,
    OrderLine,
    OrderState,
    OrderTransition,
    RefundRequest,
    RefundRequestState,
    Shipment,
)
from shequ.core.orders.service import cancel_order, ship_order
from shequ.core.payments.manual import confirm_manual_payment
from shequ.core.payments.models import Payment, PaymentState, Refund
from shequ.core.payments.refunds import decide_refund_request, refund_order
from shequ.core.pluginsys.dispatch import HookVeto

CARRIERS = (
    "顺丰速运",
    "中通快递",
    "圆通速递",
    "韵达快递",
    "申通快递",
    "京东物流",
    "EMS",
    "极兔速递",
)
MANUAL_PROVIDERS = ("", "manual")


def filter_orders(orders: QuerySet, query: Mapping[str, Any]) -> tuple[QuerySet, dict[str, str]]:
    """Apply the list filters (state, number, placed from/to, Beijing-time days).
    Raises :class:`FormError` (400) for a malformed date."""
    state = query.get("state", "")
    number = text(query, "number", max_length=32)
    start, end = day(query, "from"), day(query, "to")
    if state in STATE_LABELS:
        orders = orders.filter(state=state)
    if number:
        orders = orders.filter(number__icontains=number)
    if start is not None:
        orders = orders.filter(created_at__gte=day_start(start))
    if end is not None:
        orders = orders.filter(created_at__lt=day_start(end + dt.timedelta(days=1)))
    params = {
        "state": state if state in STATE_LABELS else "",
        "number": number,
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
    }
    return orders.order_by("-id"), params


async def order_list_context(request: web.Request, orders: QuerySet) -> tuple[dict[str, Any], int]:
    """The list page's context and status (400 with the filters ignored for a bad date)."""
    error, status = None, 200
    try:
        filtered, params = filter_orders(orders, request.query)
    except FormError as exc:
        error, status = exc.message, exc.status
        filtered, params = orders.order_by("-id"), {}
    page = await paginate(filtered, request.query, params)
    nicknames = dict(
        await Customer.filter(id__in={o.customer_id for o in page.items}).values_list(
            "id", "nickname"
        )
    )
    return {"page": page, "params": params, "error": error, "nicknames": nicknames}, status


@shop_page()
async def order_list(request: web.Request, access: ShopAccess) -> web.Response:
    context, status = await order_list_context(request, Order.all())
    return await render(request, "orders/list.html", context, status=status)


def _order_id(request: web.Request) -> int:
    return int(request.match_info["order_id"])


async def _order_or_404(request: web.Request) -> Order:
    order = await Order.get_or_none(id=_order_id(request))
    if order is None:
        raise Denied(404, "没有这个订单。")
    return order


async def _detail(
    request: web.Request, access: ShopAccess, order: Order, *, error: str | None = None, status=200
) -> web.Response:
    lines = await OrderLine.filter(order_id=order.id).order_by("id")
    payment = await Payment.get_or_none(id=order.payment_id) if order.payment_id else None
    context = {
        "order": order,
        "customer": await Customer.get_or_none(id=order.customer_id),
        "lines": lines,
        "line_titles": {line.id: line.title for line in lines},
        "adjustments": await OrderAdjustment.filter(order_id=order.id).order_by("id"),
        "transitions": await OrderTransition.filter(order_id=order.id).order_by("id"),
        "shipments": await Shipment.filter(order_id=order.id).order_by("id"),
        "refunds": await Refund.filter(order_id=order.id).order_by("id"),
        "requests": await RefundRequest.filter(order_id=order.id).order_by("id"),
        "payment": payment,
        "error": error,
        "carriers": CARRIERS,
        "refund_key": secrets.token_hex(8),
        "refundable": order.paid_amount - order.refunded_amount,
        "can_ship": order.state == OrderState.PAID,
        "can_refund": order.state in states.REFUNDABLE
        and order.paid_amount > order.refunded_amount,
        "can_cancel": order.state in (OrderState.PENDING_PAYMENT, OrderState.PAID),
        "can_confirm": order.state == OrderState.PENDING_PAYMENT
        and payment is not None
        and payment.state == PaymentState.PENDING
        and payment.provider in MANUAL_PROVIDERS,
        "open_request": RefundRequestState.OPEN,
    }
    return await render(request, "orders/detail.html", context, status=status)


@shop_page()
async def order_detail(request: web.Request, access: ShopAccess) -> web.Response:
    return await _detail(request, access, await _order_or_404(request))


def order_action(handler):
    """An order action: the order must be in this shop; refusals re-render the order."""

    @shop_page()
    async def act(request: web.Request, access: ShopAccess) -> web.Response:
        order = await _order_or_404(request)
        form = await request.post()
        try:
            message = await handler(request, access, order, form)
        except HookVeto as veto:
            return await _detail(request, access, order, error=Vetoed(veto).message, status=422)
        except CommerceError as exc:
            status = exc.status if 400 <= exc.status < 500 else 422
            return await _detail(request, access, order, error=exc.message, status=status)
        except (FormError, MoneyError) as exc:
            status = getattr(exc, "status", 422)
            return await _detail(request, access, order, error=exc.message, status=status)
        await flash(request, message)
        raise see_other(f"/admin/shops/{access.shop.id}/orders/{order.id}")

    act.__name__ = handler.__name__
    return act


@order_action
async def order_ship(request, access: ShopAccess, order: Order, form) -> str:
    await ship_order(
        request.app[RUNTIME],
        access.shop.id,
        order.id,
        carrier=text(form, "carrier", max_length=64),
        tracking_number=text(form, "tracking_number", max_length=64),
        actor=access.actor,
    )
    return "订单已发货。"


def _line_amounts(form, lines: list[int]) -> dict[int, int]:
    amounts = {}
    for line_id in lines:
        raw = text(form, f"line-{line_id}", max_length=20)
        if raw:
            amounts[line_id] = parse_yuan(raw, f"line_amounts.{line_id}")
    return {line_id: fen for line_id, fen in amounts.items() if fen}


@order_action
async def order_refund(request, access: ShopAccess, order: Order, form) -> str:
    raw = text(form, "amount", max_length=20)
    amount = parse_yuan(raw, "amount") if raw else None
    if amount == 0:
        raise FormError("amount: enter an amount above 0", "amount")
    line_ids = list(await OrderLine.filter(order_id=order.id).values_list("id", flat=True))
    line_amounts = _line_amounts(form, line_ids)
    key = text(form, "refund_key", max_length=40) or None
    refund = await refund_order(
        request.app[RUNTIME],
        access.shop.id,
        order.id,
        actor=access.actor,
        amount=amount,
        line_amounts=line_amounts or None,
        reason=text(form, "reason", max_length=255) or "refunded by the seller",
        idempotency_key=key,
    )
    return f"已退款 {format_money(refund.amount, order.currency)}。" if refund else "已退款。"


@order_action
async def order_cancel(request, access: ShopAccess, order: Order, form) -> str:
    await cancel_order(
        request.app[RUNTIME],
        access.shop.id,
        order.id,
        actor=access.actor,
        reason=text(form, "reason", max_length=255) or "cancelled by the seller",
    )
    return "订单已取消。" + ("已全额退款。" if order.state == OrderState.PAID else "")


@order_action
async def order_confirm_payment(request, access: ShopAccess, order: Order, form) -> str:
    payment = await Payment.get_or_none(id=order.payment_id) if order.payment_id else None
    if payment is None:
        raise FormError("This order has no payment to confirm.", status=409)
    if order.state != OrderState.PENDING_PAYMENT:
        # Confirming is idempotent in the payment service; here a second click says so.
        raise FormError(f"The order is {order.state}; there is no payment to confirm.", status=409)
    outcome = await confirm_manual_payment(
        request.app[RUNTIME],
        payment.reference,
        actor=access.actor,
        # A shop's staff may confirm only payments made for this shop alone; an operator
        # may confirm a payment that covers several shops' orders.
        shop_id=None if access.staff.operator else access.shop.id,
        note=text(form, "note", max_length=200),
    )
    if not outcome.accepted:
        raise FormError(outcome.message, status=409)
    return "已确认收款。" if outcome.code == "paid" else outcome.message


@order_action
async def refund_request_decide(request, access: ShopAccess, order: Order, form) -> str:
    request_id = int(request.match_info["request_id"])
    if not await RefundRequest.filter(id=request_id, order_id=order.id).exists():
        raise Denied(404, "没有这个退款申请。")
    approve = form.get("decision") == "approve"
    if form.get("decision") not in ("approve", "reject"):
        raise FormError("decision: approve or reject", "decision")
    await decide_refund_request(
        request.app[RUNTIME],
        access.shop.id,
        request_id,
        approve=approve,
        actor=access.actor,
        note=text(form, "note", max_length=255),
    )
    return "已同意退款申请并退款。" if approve else "已拒绝退款申请。"
