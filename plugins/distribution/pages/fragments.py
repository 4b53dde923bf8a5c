"""Our own Jinja2 environment for admin page bodies; the admin's layout wraps them."""

from __future__ import annotations

from functools import cache
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from shequ.core.admin.money import format_money, yuan
from shequ.core.admin.rendering import local_time, render
from shequ.core.appkeys import RUNTIME
from shequ.core.web.csrf import FORM_FIELD, csrf_token
from shequ.plugins.distribution.pages import ADMIN_TEMPLATES


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(ADMIN_TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        enable_async=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=format_money, yuan=yuan, local_time=local_time)
    return env


async def admin_page(
    request: web.Request,
    title: str,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> web.Response:
    """Render ``template`` (ours) as the body of an admin page titled ``title``."""

    def csrf_field() -> Markup:
        token = escape(csrf_token(request))
        return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{token}">')

    access = request["admin.access"]
    body = (
        await environment()
        .get_template(template)
        .render_async(
            {
                **context,
                "csrf_field": csrf_field,
                "base": f"/admin/shops/{access.shop.id}/p/distribution",
                "currency": request.app[RUNTIME].settings.platform.currency,
            }
        )
    )
    return await render(
        request, "plugin_page.html", {"title": title, "body": Markup(body)}, status=status
    )
