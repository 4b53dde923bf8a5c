"""Rendering a storefront page for the shop it belongs to, with the waiting flash messages.

A page belongs to one shop (its theme options, name and notice) or to the platform. In a
one-shop deployment (``platform.mode = "single"``) the platform *is* that shop; with many
shops, platform pages (home, search, cart, account) show the platform's name and theme.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.shops.models import Shop
from shequ.core.storefront.pages.flash import take_flashes
from shequ.core.storefront.rendering import language_of, render, storefront_for


def multi_shop(request: web.Request) -> bool:
    return request.app[RUNTIME].settings.platform.mode == "multi"


async def page(
    request: web.Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    shop: Shop | None = None,
    status: int = 200,
    error: str | None = None,
) -> web.Response:
    """Render ``template`` with the common context, ``context`` and ``flashes``; ``shop`` is
    the shop the page belongs to (``None``: the platform).

    ``error`` is shown with the flashes: a form that failed is rendered again, with a 4xx
    ``status``, instead of redirecting.
    """
    flashes = take_flashes(request)
    if error:
        flashes.append(("error", error))
    variables: dict[str, Any] = {"flashes": flashes}
    if request.get("auth") == "bearer":
        # A bearer request has no session to mint a token from, and needs none (CSRF checks
        # exempt it); rendering.CsrfToken would raise.
        variables["csrf_token"] = _no_token
    if shop is None:
        if multi_shop(request):
            variables["shop"] = None
            variables["theme"] = storefront_for(request).theme_view(None)
    else:
        request["shop"] = shop
    variables.update(context or {})
    return await render(request, template, variables, status=status)


def _no_token() -> str:
    return ""


async def not_found(request: web.Request) -> web.Response:
    return await page(request, "error.html", {"status": 404}, status=404)


def translate(request: web.Request, message: str, **params: Any) -> str:
    """``message`` (an English msgid of the theme's catalogs) in the page's language."""
    storefront = storefront_for(request)
    language, _ = language_of(request, storefront)
    text = storefront.translations[language].gettext(message)
    return text % params if params else text
