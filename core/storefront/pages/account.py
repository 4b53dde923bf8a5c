"""The account page (``/account``): addresses, followed shops, language, sign-out."""

from __future__ import annotations

from aiohttp import web

from shequ.core.accounts.errors import AccountError
from shequ.core.accounts.service import (
    add_address,
    delete_address,
    followed_shops,
    list_addresses,
    set_default_address,
    update_profile,
)
from shequ.core.checkout.placement import ADDRESS_FIELDS
from shequ.core.storefront import i18n
from shequ.core.storefront.pages.flash import flash
from shequ.core.storefront.pages.forms import login_redirect, see_other, text
from shequ.core.storefront.pages.messages import describe
from shequ.core.storefront.pages.view import page, translate
from shequ.core.storefront.rendering import LANG_COOKIE_SECONDS, storefront_for

ACTIVE = "active"


async def show_account(
    request: web.Request, *, form: dict | None = None, status: int = 200, error: str | None = None
) -> web.Response:
    customer = request["customer"]
    follows = [f for f in await followed_shops(customer) if f.shop.status == ACTIVE]
    context = {
        "addresses": await list_addresses(customer),
        "follows": [follow.shop for follow in follows],
        "form": form or {},
        "language_choices": [
            (code, i18n.LANGUAGE_NAMES.get(code, code))
            for code in storefront_for(request).languages
        ],
    }
    return await page(request, "account.html", context, status=status, error=error)


async def account_page(request: web.Request) -> web.Response:
    if request.get("customer") is None:
        raise login_redirect(request)
    return await show_account(request)


async def address_add(request: web.Request) -> web.Response:
    customer = request.get("customer")
    if customer is None:
        raise login_redirect(request, "/account")
    posted = await request.post()
    form = {name: text(posted, name, limit + 1) for name, limit in ADDRESS_FIELDS.items()}
    try:
        await add_address(customer, form, make_default=text(posted, "is_default", 8) == "1")
    except AccountError as exc:
        return await show_account(request, form=form, status=422, error=describe(request, exc))
    await flash(request, translate(request, "Address saved."))
    raise see_other("/account#addresses")


async def address_action(request: web.Request) -> web.Response:
    """``/account/addresses/{id}/default|delete``."""
    customer = request.get("customer")
    if customer is None:
        raise login_redirect(request, "/account")
    address_id = int(request.match_info["address_id"])
    try:
        if request.match_info["action"] == "delete":
            await delete_address(customer, address_id)
            message = "Address deleted."
        else:
            await set_default_address(customer, address_id)
            message = "Default address changed."
    except AccountError as exc:
        return await show_account(request, status=404, error=describe(request, exc))
    await flash(request, translate(request, message))
    raise see_other("/account#addresses")


async def language_submit(request: web.Request) -> web.Response:
    """Remember the language on the account and in the browser (the cookie wins later)."""
    customer = request.get("customer")
    if customer is None:
        raise login_redirect(request, "/account")
    language = text(await request.post(), "language", 8)
    if language not in storefront_for(request).languages:
        return await show_account(
            request, status=422, error=translate(request, "Unknown language.")
        )
    await update_profile(customer, language=language)
    response = see_other("/account")
    response.set_cookie(
        i18n.LANG_COOKIE,
        language,
        max_age=LANG_COOKIE_SECONDS,
        path="/",
        httponly=True,
        samesite="Lax",
    )
    raise response
