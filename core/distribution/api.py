"""The distributor's JSON API (tag ``distribution``); the seller's side is in :mod:`.seller`."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from shequ.core.api.routing import ApiRouter
from shequ.core.appkeys import RUNTIME
from shequ.core.distribution import center
from shequ.core.distribution.binding import bind_by_code
from shequ.core.distribution.codes import share_link
from shequ.core.distribution.enrollment import enroll
from shequ.core.distribution.errors import DistributionError
from shequ.core.distribution.qr import qr_png
from shequ.core.distribution.withdrawals import request_withdrawal
from shequ.core.shops.models import Shop
from shequ.core.web.errors import ApiError

router = ApiRouter(tag="distribution")
SHOP = "/distribution/shops/{shop_id:\\d+}"
T = TypeVar("T")


class EnrollBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    invite_code: str | None = Field(default=None, max_length=64)


class BindBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=200, description="the referral code from ?ref=, typed, or a QR")
    source: Literal["link", "code", "qr"] = "link"
    shop_id: int | None = Field(default=None, description="the shop being viewed, if any")


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: int = Field(strict=True, gt=0, description="fen")
    idempotency_key: str = Field(min_length=1, max_length=64)


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=1_000_000)


async def _guard(call: Awaitable[T]) -> T:
    try:
        return await call
    except DistributionError as exc:
        raise ApiError(exc.status, exc.code, exc.message, exc.field) from None


async def _shop_id(request: web.Request) -> int:
    shop_id = int(request.match_info["shop_id"])
    if not await Shop.exists(id=shop_id, status="active"):
        raise ApiError(404, "not_found", "No such shop.")
    return shop_id


@router.post(
    SHOP + "/enroll",
    summary="Become a distributor of the shop (free)",
    auth="customer",
    body=EnrollBody,
)
async def enroll_me(request: web.Request, body: EnrollBody):
    runtime = request.app[RUNTIME]
    shop_id = await _shop_id(request)
    distributor = await _guard(enroll(runtime, shop_id, request["customer"].id, body.invite_code))
    return center.profile(runtime, distributor)


@router.get(SHOP + "/me", summary="My code, link and amounts in the shop", auth="customer")
async def me(request: web.Request, body: None):
    shop_id = await _shop_id(request)
    return await _guard(center.summary(request.app[RUNTIME], shop_id, request["customer"].id))


@router.get(SHOP + "/qr.png", summary="My share link as a QR image (PNG)", auth="customer")
async def my_qr(request: web.Request, body: None):
    shop_id = await _shop_id(request)
    distributor = await _guard(center.my_distributor(shop_id, request["customer"].id))
    link = share_link(request.app[RUNTIME].settings.platform.base_url, distributor.code)
    return web.Response(
        body=qr_png(link),
        content_type="image/png",
        headers={"Cache-Control": "private, max-age=3600"},
    )


@router.post(
    "/distribution/bind",
    summary="Bind me to the distributor whose code I opened",
    auth="customer",
    body=BindBody,
)
async def bind_me(request: web.Request, body: BindBody):
    # A forged or unknown code is not the buyer's fault: always 200, never an error page.
    result = await bind_by_code(
        request.app[RUNTIME],
        request["customer"].id,
        body.code,
        source=body.source,
        shop_id=body.shop_id,
    )
    return {"outcome": result.outcome, "shop_id": result.shop_id}


@router.get(SHOP + "/customers", summary="Customers bound to me", auth="customer", query=Page)
async def my_customers(request: web.Request, body: None):
    shop_id, page = await _shop_id(request), request["query"]
    customers = await _guard(
        center.bound_customers(shop_id, request["customer"].id, page.limit, page.offset)
    )
    return {"customers": customers}


@router.get(
    SHOP + "/orders", summary="Orders that earned me commission", auth="customer", query=Page
)
async def my_orders(request: web.Request, body: None):
    shop_id, page = await _shop_id(request), request["query"]
    orders = await _guard(
        center.attributed_orders(shop_id, request["customer"].id, page.limit, page.offset)
    )
    return {"orders": orders}


@router.get(SHOP + "/withdrawals", summary="My withdrawals", auth="customer", query=Page)
async def my_withdrawals(request: web.Request, body: None):
    shop_id, page = await _shop_id(request), request["query"]
    await _guard(center.my_distributor(shop_id, request["customer"].id))
    return {
        "withdrawals": await center.my_withdrawals(
            shop_id, request["customer"].id, page.limit, page.offset
        )
    }


@router.post(
    SHOP + "/withdrawals",
    summary="Ask to withdraw available commission",
    auth="customer",
    body=WithdrawBody,
    status=201,
)
async def withdraw(request: web.Request, body: WithdrawBody):
    shop_id = await _shop_id(request)
    w = await _guard(
        request_withdrawal(
            request.app[RUNTIME], shop_id, request["customer"].id, body.amount, body.idempotency_key
        )
    )
    return center.withdrawal_json(w)
