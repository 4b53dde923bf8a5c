"""The buyer's distributor center at ``/p/distribution/{shop_id}/``: server-rendered forms
that work without JavaScript (join, withdraw), over the same services as the JSON API."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from aiohttp import web

from shequ.core.admin.money import MoneyError, parse_yuan, yuan
from shequ.core.appkeys import RUNTIME
from shequ.core.distribution import center
from shequ.core.distribution.enrollment import enroll
from shequ.core.distribution.errors import DistributionError
from shequ.core.distribution.ledger import balances
from shequ.core.distribution.models import Distributor, DistributorStatus
from shequ.core.distribution.settings import DistributionSettings, distribution_settings
from shequ.core.distribution.withdrawals import request_withdrawal
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import shop_scope
from shequ.core.storefront.rendering import render
from shequ.plugins.distribution.pages.masking import mask_nickname

PREFIX = "/p/distribution/{shop_id:\\d{1,18}}"
TEMPLATE = "distribution/center.html"
LIST_LIMIT = 50
# After a successful POST the page says what happened; only these fixed texts can be shown.
DONE = {
    "joined": "欢迎加入！把你的链接或二维码分享给朋友吧。",
    "applied": "申请已提交，店主审核后即可开始分享。",
    "withdrawal": "提现申请已提交，等待店主处理。",
}


def center_url(shop_id: int) -> str:
    return f"/p/distribution/{shop_id}/"


def add_routes(app: web.Application) -> None:
    app.router.add_get(PREFIX + "/", center_page, name="distribution.center")
    app.router.add_get(PREFIX, center_page)
    app.router.add_post(PREFIX + "/join", join_submit)
    app.router.add_post(PREFIX + "/withdraw", withdraw_submit)


async def _shop_and_settings(request: web.Request) -> tuple[Shop, DistributionSettings]:
    shop = await Shop.get_or_none(id=int(request.match_info["shop_id"]), status="active")
    settings = None if shop is None else await distribution_settings(request.app[RUNTIME], shop.id)
    if shop is None or settings is None:
        raise web.HTTPNotFound(text="This shop has no distribution program.")
    request["shop"] = shop  # the storefront layout shows this shop
    return shop, settings


def _signed_in(request: web.Request, shop_id: int) -> Any:
    customer = request.get("customer")
    if customer is None:
        target = center_url(shop_id)
        raise web.HTTPSeeOther(f"/login?next={quote(target, safe='/')}")
    return customer


async def _page(
    request: web.Request,
    shop: Shop,
    settings: DistributionSettings,
    *,
    error: str = "",
    status: int = 200,
    amount: str = "",
    invite_code: str = "",
) -> web.Response:
    runtime = request.app[RUNTIME]
    customer = request["customer"]
    with shop_scope(shop.id):
        distributor = await Distributor.get_or_none(customer_id=customer.id)
    context: dict[str, Any] = {
        "program": settings,
        "distributor": distributor,
        "statuses": DistributorStatus,
        "done": DONE.get(request.query.get("done", ""), ""),
        "error": error,
        "amount": amount,
        "invite_code": invite_code,
        "action_base": center_url(shop.id),
    }
    if distributor is not None and distributor.status in (
        DistributorStatus.ACTIVE,
        DistributorStatus.SUSPENDED,
    ):
        bound = await center.bound_customers(shop.id, customer.id, LIST_LIMIT, 0)
        for row in bound:
            row["masked"] = mask_nickname(row.pop("nickname"))
        context.update(
            summary=await center.summary(runtime, shop.id, customer.id),
            customers=bound,
            orders=await center.attributed_orders(shop.id, customer.id, LIST_LIMIT, 0),
            withdrawals=await center.my_withdrawals(shop.id, customer.id, LIST_LIMIT, 0),
            qr_url=f"/api/v1/distribution/shops/{shop.id}/qr.png",
            # A fresh key per rendered form: a double-submitted form makes one withdrawal.
            request_key=secrets.token_urlsafe(16),
        )
    response = await render(request, TEMPLATE, context, status=status)
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def center_page(request: web.Request) -> web.Response:
    shop, settings = await _shop_and_settings(request)
    _signed_in(request, shop.id)
    return await _page(request, shop, settings)


async def join_submit(request: web.Request) -> web.Response:
    shop, settings = await _shop_and_settings(request)
    customer = _signed_in(request, shop.id)
    form = await request.post()
    raw_code = form.get("invite_code", "")
    invite_code = raw_code.strip()[:64] if isinstance(raw_code, str) else ""
    try:
        distributor = await enroll(request.app[RUNTIME], shop.id, customer.id, invite_code or None)
    except DistributionError as exc:
        return await _page(
            request, shop, settings, error=exc.message, status=exc.status, invite_code=invite_code
        )
    done = "joined" if distributor.status == DistributorStatus.ACTIVE else "applied"
    raise web.HTTPSeeOther(f"{center_url(shop.id)}?done={done}")


def _amount_in_fen(raw: Any) -> int:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("请输入提现金额。")
    try:
        fen = parse_yuan(raw[:20], "amount")
    except MoneyError:
        raise ValueError("请输入正确的金额，例如 12.50（最多两位小数）。") from None
    if fen <= 0:
        raise ValueError("提现金额必须大于 0。")
    return fen


async def withdraw_submit(request: web.Request) -> web.Response:
    shop, settings = await _shop_and_settings(request)
    customer = _signed_in(request, shop.id)
    form = await request.post()
    raw_amount, raw_key = form.get("amount", ""), form.get("request_key", "")
    shown = raw_amount[:20] if isinstance(raw_amount, str) else ""
    try:
        amount = _amount_in_fen(raw_amount)
        # Friendlier words for the common refusals; the engine checks again under its lock.
        if amount < settings.withdraw_min:
            raise ValueError(f"最低提现金额为 {yuan(settings.withdraw_min)} 元。")
        if amount > settings.withdraw_daily_cap:
            raise ValueError(f"24 小时内最多提现 {yuan(settings.withdraw_daily_cap)} 元。")
        available = (await balances(shop.id, customer.id))["available"]
        if amount > available:
            raise ValueError(f"可提现金额只有 {yuan(max(available, 0))} 元。")
    except ValueError as exc:
        return await _page(request, shop, settings, error=str(exc), status=422, amount=shown)
    key = raw_key if isinstance(raw_key, str) and 0 < len(raw_key) <= 64 else ""
    try:
        await request_withdrawal(
            request.app[RUNTIME], shop.id, customer.id, amount, key or secrets.token_urlsafe(16)
        )
    except DistributionError as exc:
        return await _page(
            request, shop, settings, error=exc.message, status=exc.status, amount=shown
        )
    raise web.HTTPSeeOther(f"{center_url(shop.id)}?done=withdrawal")
