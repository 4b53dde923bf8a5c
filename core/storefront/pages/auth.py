"""Signing in (``/login``), signing up (``/register``) and out (``/logout``).

Signing in adopts the browser's guest cart. Failed attempts count against the same limiter
as the JSON API's sign-in, so the two cannot be played against each other.
"""

from __future__ import annotations

from aiohttp import web

from shequ.core.accounts.errors import AccountError, InvalidInput
from shequ.core.accounts.identity import parse_identifier
from shequ.core.accounts.middleware import login, logout
from shequ.core.accounts.passwords import MAX_LENGTH
from shequ.core.accounts.service import authenticate, register
from shequ.core.appkeys import RUNTIME
from shequ.core.storefront.pages.flash import flash
from shequ.core.storefront.pages.forms import safe_next, see_other, text
from shequ.core.storefront.pages.messages import describe
from shequ.core.storefront.pages.view import page, translate
from shequ.core.web.ratelimit import login_key, login_limiter

# Where to go after signing in when no ``next`` was given.
AFTER_LOGIN = "/account"


def _password(form, name: str = "password") -> str:
    value = form.get(name, "")
    return value[:MAX_LENGTH] if isinstance(value, str) else ""


async def login_page(request: web.Request) -> web.Response:
    target = safe_next(request.query.get("next"), AFTER_LOGIN)
    if request.get("customer") is not None:
        raise see_other(target)
    return await page(request, "login.html", {"next": target, "identifier": ""})


async def login_submit(request: web.Request) -> web.Response:
    form = await request.post()
    identifier = text(form, "identifier", 191)
    password = _password(form)
    target = safe_next(form.get("next"), AFTER_LOGIN)

    async def again(message: str, status: int) -> web.Response:
        context = {"next": target, "identifier": identifier}
        return await page(request, "login.html", context, status=status, error=message)

    if not identifier or not password:
        return await again(
            translate(request, "Enter your e-mail or mobile number and password."), 422
        )
    try:
        normalised = parse_identifier(identifier)[1]
    except InvalidInput:
        normalised = identifier.lower()
    limiter = login_limiter(request.app[RUNTIME])
    key = login_key(request.remote, normalised)
    wait = await limiter.retry_after(key)
    if wait is not None:
        minutes = max(1, round(wait / 60))
        message = translate(
            request, "Too many failed attempts; try again in %(minutes)s minutes.", minutes=minutes
        )
        return await again(message, 429)
    customer = await authenticate(identifier, password)
    if customer is None:
        await limiter.failed(key)
        return await again(translate(request, "Wrong account or password."), 401)
    await limiter.reset(key)
    await login(request, customer)
    await flash(request, translate(request, "Signed in."))
    raise see_other(target)


async def register_page(request: web.Request) -> web.Response:
    target = safe_next(request.query.get("next"), AFTER_LOGIN)
    if request.get("customer") is not None:
        raise see_other(target)
    return await page(request, "register.html", {"next": target, "identifier": "", "nickname": ""})


async def register_submit(request: web.Request) -> web.Response:
    form = await request.post()
    identifier = text(form, "identifier", 191)
    nickname = text(form, "nickname", 65)
    password = _password(form)
    target = safe_next(form.get("next"), AFTER_LOGIN)

    async def again(message: str, status: int = 422) -> web.Response:
        context = {"next": target, "identifier": identifier, "nickname": nickname}
        return await page(request, "register.html", context, status=status, error=message)

    if password != _password(form, "password_again"):
        return await again(translate(request, "The two passwords differ."))
    try:
        kind, _ = parse_identifier(identifier)
        customer = await register(kind, identifier, password, nickname)
    except AccountError as exc:
        status = 409 if exc.code == "duplicate" else 422
        return await again(describe(request, exc), status)
    await login(request, customer)
    await flash(request, translate(request, "Welcome! Your account is ready."))
    raise see_other(target)


async def logout_submit(request: web.Request) -> web.Response:
    await logout(request)
    await flash(request, translate(request, "Signed out."))
    raise see_other("/")
