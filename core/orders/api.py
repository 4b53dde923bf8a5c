"""The buyer's orders: list, detail, cancel (unpaid), confirm receipt, ask for a refund."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shequ.core.api.routing import ApiRouter
from shequ.core.appkeys import RUNTIME
from shequ.core.orders import service
from shequ.core.orders.errors import api_errors
from shequ.core.orders.models import Order, OrderState
from shequ.core.orders.views import order_detail, order_summary
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from shequ.core.web.errors import ApiError

router = ApiRouter(tag="orders")

NUMBER = r"/orders/{number:\d{1,32}}"
STATES = {
    OrderState.PENDING_PAYMENT,
    OrderState.PAID,
    OrderState.SHIPPED,
    OrderState.COMPLETED,
    OrderState.CANCELLED,
    OrderState.REFUNDED,
}


class OrderQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: str | None = Field(default=None, description="only orders in this state")
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=50)


class RefundRequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: StrictInt | None = Field(default=None, ge=1, description="fen; omit for all")
    reason: str = Field(default="", max_length=255)


@router.get("/orders", summary="My orders, newest first", auth="customer", query=OrderQuery)
@api_errors
async def list_orders(request: web.Request, body: None) -> dict[str, Any]:
    query: OrderQuery = request["query"]
    filters: dict[str, Any] = {"customer_id": request["customer"].id}
    if query.state is not None:
        if query.state not in STATES:
            raise ApiError(422, "invalid", f"Unknown state {query.state!r}.", "state")
        filters["state"] = query.state
    with shop_scope(ALL_SHOPS):  # a buyer's orders span shops; the customer is the filter
        total = await Order.filter(**filters).count()
        orders = (
            await Order.filter(**filters)
            .order_by("-id")
            .offset((query.page - 1) * query.per_page)
            .limit(query.per_page)
        )
    return {
        "items": [order_summary(order) for order in orders],
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
    }


@router.get(NUMBER, summary="One of my orders with lines, pricing and history", auth="customer")
@api_errors
async def get_order(request: web.Request, body: None) -> dict[str, Any]:
    order = await service.customer_order(request["customer"].id, request.match_info["number"])
    return await order_detail(order)


@router.post(
    NUMBER + "/cancel",
    summary="Cancel an unpaid order (its stock goes back)",
    auth="customer",
    errors={409: "illegal_transition: the order is no longer unpaid"},
)
@api_errors
async def cancel_order(request: web.Request, body: None) -> dict[str, Any]:
    order = await service.buyer_cancel(
        request.app[RUNTIME], request["customer"].id, request.match_info["number"]
    )
    return await order_detail(order)


@router.post(
    NUMBER + "/confirm-receipt",
    summary="Confirm the goods arrived (确认收货): shipped -> completed",
    auth="customer",
    errors={409: "illegal_transition: the order is not shipped"},
)
@api_errors
async def confirm_receipt(request: web.Request, body: None) -> dict[str, Any]:
    order = await service.confirm_receipt(
        request.app[RUNTIME], request["customer"].id, request.match_info["number"]
    )
    return await order_detail(order)


@router.post(
    NUMBER + "/refund-request",
    summary="Ask the seller for a refund (申请退款); the seller decides",
    auth="customer",
    body=RefundRequestBody,
    status=201,
    errors={409: "not refundable now, or a request is already open"},
)
@api_errors
async def refund_request(request: web.Request, body: RefundRequestBody) -> dict[str, Any]:
    made = await service.request_refund(
        request.app[RUNTIME],
        request["customer"].id,
        request.match_info["number"],
        amount=body.amount,
        reason=body.reason,
    )
    return {
        "id": made.id,
        "state": made.state,
        "amount": made.amount,
        "reason": made.reason,
        "order": request.match_info["number"],
    }
