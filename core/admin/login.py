"""Signing in to and out of the admin, and the shop picker at ``/admin``."""

from __future__ import annotations

from aiohttp import web

from shequ.core.accounts.errors import InvalidInput
from shequ.core.accounts.identity import parse_identifier
from shequ.core.accounts.middleware import login, logout
from shequ.core.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from shequ.core.accounts.service import authenticate, roles_for
from shequ.core.admin.flash import flash, see_other
from shequ.core.admin.guard import StaffMember, staff_page
from shequ.core.admin.rendering import render
from shequ.core.appkeys import RUNTIME
from shequ.core.web.ratelimit import login_key, login_limiter

WRONG = "账号或密码错误。"  # the same words whichever of the two was wrong


def safe_next(value: str | None) -> str:
    """Only admin paths of this site: never an open redirect to another host."""
    if (
        not value
        or not value.startswith("/admin")
        or value.startswith("//")
        or "\\" in value
        or value.startswith("/admin/login")
    ):
        return "/admin"
    return value


async def login_page(request: web.Request) -> web.Response:
    if request.get("customer") is not None and request.get("auth") == "session":
        if await roles_for(request["customer"]):
            raise see_other(safe_next(request.query.get("next")))
    return await render(request, "login.html", {"next": safe_next(request.query.get("next"))})


async def login_submit(request: web.Request) -> web.Response:
    form = await request.post()
    raw_identifier, password, raw_next = (
        form.get(k, "") for k in ("identifier", "password", "next")
    )
    identifier = raw_identifier.strip() if isinstance(raw_identifier, str) else ""
    password = password if isinstance(password, str) else ""
    target = safe_next(raw_next if isinstance(raw_next, str) else None)

    async def again(message: str, status: int) -> web.Response:
        context = {"next": target, "identifier": identifier, "error": message}
        return await render(request, "login.html", context, status=status)

    if not identifier or not password:
        return await again("请输入账号和密码。", 422)
    try:
        _, normalised = parse_identifier(identifier)
    except InvalidInput:
        normalised = identifier.lower()[:191]  # bounded: the limiter keeps keys in memory
    # Shared with the JSON API's sign-in: the same address and account count together.
    limiter = login_limiter(request.app[RUNTIME])
    key = login_key(request.remote, normalised)
    wait = await limiter.retry_after(key)
    if wait is not None:
        minutes = max(1, round(wait / 60))
        return await again(f"登录失败次数过多，请 {minutes} 分钟后再试。", 429)
    # Over-long input is never a valid account or password (and is not worth hashing).
    too_long = len(identifier) > 191 or len(password) > PASSWORD_MAX
    customer = None if too_long else await authenticate(identifier, password)
    if customer is None:
        await limiter.failed(key)
        return await again(WRONG, 401)
    await limiter.reset(key)
    if not await roles_for(customer):
        return await again("此账号没有后台权限。", 403)
    await login(request, customer)
    await flash(request, "已登录。")
    raise see_other(target)


async def logout_submit(request: web.Request) -> web.Response:
    await logout(request)
    await flash(request, "已退出登录。")
    raise see_other("/admin/login")


@staff_page
async def home(request: web.Request, staff: StaffMember) -> web.Response:
    """Straight to the only shop; otherwise a list to pick from (operators see the platform)."""
    shops = request["admin.shops"]
    if not staff.operator and len(shops) == 1:
        raise see_other(f"/admin/shops/{shops[0].id}/")
    return await render(request, "home.html", {"shops": shops})
