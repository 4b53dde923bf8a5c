"""``render(request, template, context)``: a storefront page as an HTML response.

Every page gets the same common context, built from whitelisted views so that no secret
(``platform.secret_key``, database URLs, plugin secrets) is ever reachable from a template:

``platform``  name, currency, language, mode
``shop``      the current shop: id, slug, name, notice, logo_url, status (or ``None``)
``customer``  the signed-in customer: id, nickname, avatar_url (or ``None``)
``theme``     name, options (this shop's), stylesheets (URLs), options_css (URL)
``lang``      the page language; ``languages`` the switch (code, name, url, current)
``csrf_token()`` a token for forms (a call: minted only where a form needs it)
``path``      the request path

Handler context is merged over it.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.shops.models import Shop
from shequ.core.storefront import i18n
from shequ.core.storefront.engine import Storefront, storefront_of
from shequ.core.storefront.views import CustomerView, LanguageLink

LANG_COOKIE_SECONDS = 365 * 24 * 3600


def storefront_for(request: web.Request) -> Storefront:
    return storefront_of(request.app[RUNTIME])


async def current_shop(request: web.Request) -> Shop | None:
    """The shop this request is about: ``request["shop"]`` if routing set it, else the
    platform's first shop (the single seller's shop)."""
    shop = request.get("shop")
    if shop is None:
        shop = await Shop.all().order_by("id").first()
        request["shop"] = shop
    return shop


def language_of(request: web.Request, storefront: Storefront) -> tuple[str, bool]:
    """The page language and whether ``?lang=`` chose it (then it goes into the cookie)."""
    customer = request.get("customer")
    return i18n.choose_language(
        query=request.query.get(i18n.LANG_QUERY),
        cookie=request.cookies.get(i18n.LANG_COOKIE),
        customer_language=getattr(customer, "language", None),
        accept_language=request.headers.get("Accept-Language", ""),
        supported=storefront.languages,
        default=storefront.default_language,
    )


class CsrfToken:
    """``{{ csrf_token() }}``: minted on first use in a page, so pages without forms do not
    start a session."""

    def __init__(self, request: web.Request):
        self._request = request
        self._value: str | None = None

    def __call__(self) -> str:
        if self._value is None:
            from shequ.core.web.csrf import csrf_token

            try:
                self._value = str(csrf_token(self._request))
            except RuntimeError:  # a bearer-token request has no session and posts no forms
                self._value = ""
        return self._value


async def common_context(
    request: web.Request, storefront: Storefront, language: str
) -> dict[str, Any]:
    customer = request.get("customer")
    context = storefront.base_context(await current_shop(request))
    context.update(
        customer=None if customer is None else CustomerView.of(customer),
        languages=[
            LanguageLink(
                code,
                i18n.LANGUAGE_NAMES.get(code, code),
                str(request.rel_url.update_query({i18n.LANG_QUERY: code})),
                code == language,
            )
            for code in storefront.languages
        ],
        csrf_token=CsrfToken(request),
        path=request.path,
    )
    return context


async def render(
    request: web.Request,
    template_name: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> web.Response:
    """Render a storefront template as an HTML response (the common context included).

    ``template_name`` is looked up through the theme chain, plugin templates and the
    default theme. A ``?lang=`` choice is remembered in the ``SHEQU_LANG`` cookie.
    """
    storefront = storefront_for(request)
    language, chosen = language_of(request, storefront)
    variables = await common_context(request, storefront, language)
    variables.update(context or {})
    html = await storefront.render_template(template_name, variables, language=language)
    response = web.Response(text=html, status=status, content_type="text/html")
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Content-Language"] = language.replace("_", "-")
    if chosen:
        response.set_cookie(
            i18n.LANG_COOKIE,
            language,
            max_age=LANG_COOKIE_SECONDS,
            path="/",
            httponly=True,
            samesite="Lax",
        )
    return response
