"""Who is asking: ``request["customer"]`` from a bearer token or the session.

``request["auth"]`` says how: ``"bearer"``, ``"session"`` or ``None`` (signed out). A request
with a bearer token is identified by that token alone; the session cookie is then ignored.
A disabled customer is treated as signed out (and the session forgets them).
"""

from __future__ import annotations

import logging

from aiohttp import web

from shequ.core.accounts.models import Customer
from shequ.core.accounts.tokens import customer_for_token
from shequ.core.appkeys import RUNTIME
from shequ.core.web.csrf import rotate_csrf_secret
from shequ.core.web.session import GUEST_KEY, load_session

log = logging.getLogger(__name__)

SESSION_CUSTOMER = "customer_id"


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else None


@web.middleware
async def authenticate(request: web.Request, handler):
    request["customer"] = None
    request["auth"] = None
    token = bearer_token(request)
    if token is not None:
        request["customer"] = await customer_for_token(token)
        request["auth"] = "bearer" if request["customer"] is not None else None
        return await handler(request)
    session = await load_session(request)
    customer_id = session.get(SESSION_CUSTOMER)
    if customer_id is not None:
        customer = await Customer.get_or_none(id=customer_id, status="active")
        if customer is None:  # disabled or deleted since signing in
            session.pop(SESSION_CUSTOMER, None)
        else:
            request["customer"] = customer
            request["auth"] = "session"
    return await handler(request)


CARRY_PREFIX = "carry."


async def login(request: web.Request, customer: Customer) -> None:
    """Sign ``customer`` in on this browser and adopt its guest cart.

    The session is started afresh (a new CSRF secret; nothing planted before sign-in
    survives it), keeping only the guest cart key until the cart is merged and keys named
    ``carry.*`` (what a visitor did as a guest that must count after sign-in, such as the
    share link they came by).
    """
    session = await load_session(request)
    guest = session.get(GUEST_KEY)
    carried = {key: value for key, value in session.items() if key.startswith(CARRY_PREFIX)}
    session.invalidate()
    session.update(carried)
    session[SESSION_CUSTOMER] = customer.id
    rotate_csrf_secret(session)
    request["customer"] = customer
    request["auth"] = "session"
    if guest and not await _merge_guest_cart(request, guest, customer.id):
        session[GUEST_KEY] = guest  # keep it, so the cart is not lost


async def _merge_guest_cart(request: web.Request, guest: str, customer_id: int) -> bool:
    try:
        from shequ.core.checkout.cart import merge_guest_cart
    except ImportError:
        log.debug("no cart module yet; guest cart not merged")
        return False
    try:
        await merge_guest_cart(request.app[RUNTIME], guest, customer_id)
    except Exception:
        # Signing in must not fail because of the cart; the guest cart stays for next time.
        log.exception("merging the guest cart of customer %s failed", customer_id)
        return False
    return True


async def logout(request: web.Request) -> None:
    """Forget who is signed in on this browser (the cookie is cleared)."""
    session = await load_session(request)
    session.invalidate()
    request["customer"] = None
    request["auth"] = None
