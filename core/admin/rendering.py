"""The admin's own Jinja2 environment (not the storefront's theme chain) and page rendering."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from shequ.core.admin.flash import take_flashes
from shequ.core.admin.money import format_money, yuan
from shequ.core.appkeys import ADMIN_PLUGIN_PAGES, ADMIN_TEMPLATES, RUNTIME
from shequ.core.web.csrf import FORM_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/admin/static/"
# Sellers are in China (no daylight saving): days in reports and dates in filters are
# Beijing time, whatever the server's clock zone is.
CHINA_TIME = dt.timezone(dt.timedelta(hours=8), "CST")

STATE_LABELS = {
    "pending_payment": "待付款",
    "paid": "待发货",
    "shipped": "已发货",
    "completed": "已完成",
    "cancelled": "已取消",
    "refunded": "已退款",
}
ROLE_LABELS = {"operator": "平台运营", "owner": "店主", "staff": "店员"}


def local_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA_TIME).strftime(fmt)


def _static_versions() -> dict[str, str]:
    """A content digest per static file, so a new release is never served from a stale cache."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in STATIC_DIR.iterdir()
        if path.is_file()
    }


def build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        enable_async=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    versions = _static_versions()

    def static_url(name: str) -> str:
        return f"{STATIC_PREFIX}{name}?v={versions.get(name, '0')}"

    env.globals.update(static_url=static_url, state_labels=STATE_LABELS, role_labels=ROLE_LABELS)
    env.filters.update(money=format_money, yuan=yuan, local_time=local_time)
    return env


def environment(request: web.Request) -> Environment:
    return request.app[ADMIN_TEMPLATES]


async def render(
    request: web.Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    """Render an admin page with the signed-in staff member, the shop, flashes and CSRF."""

    def csrf_field() -> Markup:
        token = escape(csrf_token(request))
        return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{token}">')

    access = request.get("admin.access")
    values: dict[str, Any] = {
        "request": request,
        "platform_name": request.app[RUNTIME].settings.platform.name,
        "csrf_field": csrf_field,
        "flashes": take_flashes(request),
        "staff": request.get("admin.staff"),
        "access": access,
        "shop": access.shop if access is not None else None,
        "base": f"/admin/shops/{access.shop.id}" if access is not None else "",
        "switchable_shops": request.get("admin.shops", []),
        "plugin_pages": request.app.get(ADMIN_PLUGIN_PAGES, []),
        **(context or {}),
    }
    html = await environment(request).get_template(template).render_async(values)
    return web.Response(
        text=html,
        status=status,
        content_type="text/html",
        # Admin pages show customers' and sellers' data: never keep them in shared caches.
        headers={"Cache-Control": "no-store"},
    )


async def error_page(request: web.Request, status: int, message: str) -> web.Response:
    return await render(
        request, "error.html", {"status": status, "message": message}, status=status
    )
