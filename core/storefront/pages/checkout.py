"""Checkout (``/checkout``): a saved or new address, each shop's price breakdown, and the
pay button, which places the orders and goes on to the payment provider's page.

The form carries an idempotency key minted when the page was rendered, so a double click
or a resubmitted form places one set of orders, never two.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from aiohttp import web

from shequ.core.accounts.errors import AccountError
from shequ.core.accounts.models import Address
from shequ.core.accounts.service import add_address, clean_address, list_addresses
from shequ.core.appkeys import RUNTIME
from shequ.core.checkout import cart as carts
from shequ.core.checkout.placement import ADDRESS_FIELDS, MAX_NOTE, place_orders, saved_address
from shequ.core.orders.errors import CommerceError
from shequ.core.payments.models import PaymentState
from shequ.core.payments.service import start_payment
from shequ.core.storefront.pages.cart_view import build_cart_view
from shequ.core.storefront.pages.flash import flash
from shequ.core.storefront.pages.forms import login_redirect, plain_int, see_other, text
from shequ.core.storefront.pages.messages import describe
from shequ.core.storefront.pages.view import page, translate

log = logging.getLogger(__name__)

NEW_ADDRESS = "new"


def new_key() -> str:
    return secrets.token_urlsafe(18)


def chosen_address(addresses: list[Address], value: str) -> Address | None:
    """The saved address the form (or ``?address=``) picks; the default one otherwise."""
    if value == NEW_ADDRESS:
        return None
    wanted = plain_int(value)
    for address in addresses:
        if address.id == wanted:
            return address
    return next((a for a in addresses if a.is_default), addresses[0] if addresses else None)


async def show_checkout(
    request: web.Request,
    *,
    form: dict[str, Any] | None = None,
    status: int = 200,
    error: str | None = None,
) -> web.Response:
    customer = request["customer"]
    form = form or {}
    addresses = await list_addresses(customer)
    choice = form.get("address_id") or request.query.get("address", "")
    selected = chosen_address(addresses, choice)
    address = (
        {name: getattr(selected, name) for name in ADDRESS_FIELDS} if selected is not None else {}
    )
    items = await carts.load_items(await carts.find_cart(carts.CartOwner(customer_id=customer.id)))
    view = await build_cart_view(request.app[RUNTIME], items, customer.id, address)
    context = {
        "cart": view,
        "addresses": addresses,
        "selected_address": selected.id if selected else NEW_ADDRESS,
        "form": form,
        "idempotency_key": form.get("idempotency_key") or new_key(),
    }
    return await page(request, "checkout.html", context, status=status, error=error)


async def checkout_page(request: web.Request) -> web.Response:
    if request.get("customer") is None:
        raise login_redirect(request)
    owner = carts.CartOwner(customer_id=request["customer"].id)
    items = await carts.load_items(await carts.find_cart(owner))
    if not items:
        await flash(request, translate(request, "Your cart is empty."), "error")
        raise see_other("/cart")
    if any(item.problem for item in items):
        message = translate(request, "Some items cannot be bought now; please update your cart.")
        await flash(request, message, "error")
        raise see_other("/cart")
    return await show_checkout(request)


async def place(request: web.Request) -> web.Response:
    """Place the orders, then start paying them (the sandbox's page, locally)."""
    customer = request.get("customer")
    if customer is None:
        raise login_redirect(request, "/checkout")
    runtime = request.app[RUNTIME]
    posted = await request.post()
    form = {
        "address_id": text(posted, "address_id", 16),
        "buyer_note": text(posted, "buyer_note", MAX_NOTE + 1),
        "idempotency_key": text(posted, "idempotency_key", 64),
        "save_address": text(posted, "save_address", 8) == "1",
        **{name: text(posted, name, limit + 1) for name, limit in ADDRESS_FIELDS.items()},
    }
    new = form["address_id"] in ("", NEW_ADDRESS)
    try:
        if new:
            address = clean_address(form)
        elif (address_id := plain_int(form["address_id"])) is not None:
            address = await saved_address(customer.id, address_id)
        else:
            raise web.HTTPBadRequest(text="address_id must be a number or 'new'")
        placed = await place_orders(
            runtime,
            customer.id,
            await carts.find_cart(carts.CartOwner(customer_id=customer.id)),
            address,
            form["idempotency_key"] or new_key(),
            form["buyer_note"],
        )
    except (AccountError, CommerceError) as exc:
        status = exc.status if isinstance(exc, CommerceError) else 422
        return await show_checkout(request, form=form, status=status, error=describe(request, exc))
    if new and form["save_address"] and not placed.replayed:
        try:
            await add_address(customer, address)
        except AccountError as exc:  # e.g. the address book is full: the order stands
            log.info("address of customer %s not saved: %s", customer.id, exc.message)
    first = placed.orders[0]
    if placed.payment.state == PaymentState.SUCCEEDED:  # nothing was left to pay
        await flash(request, translate(request, "Your order is placed and paid."))
        raise see_other(f"/orders/{first.number}")
    return await go_pay(request, placed.payment.reference, f"/orders/{first.number}")


async def go_pay(request: web.Request, reference: str, fallback: str) -> web.Response:
    """Start paying ``reference`` and send the buyer to the provider's page.

    A provider without a page of its own (bank transfer) leaves the buyer on the order.
    """
    try:
        started = await start_payment(
            request.app[RUNTIME],
            request["customer"].id,
            reference,
            user_agent=request.headers.get("User-Agent", ""),
            request_info={
                "remote": request.remote,
                "user_agent": request.headers.get("User-Agent"),
            },
        )
    except CommerceError as exc:
        await flash(request, describe(request, exc), "error")
        raise see_other(fallback) from None
    pay_url = started.get("action", {}).get("pay_url")
    # The provider is our own code: its page may be ours (sandbox) or the provider's site.
    if (
        isinstance(pay_url, str)
        and pay_url.startswith(("/", "https://", "http://"))
        and (not pay_url.startswith("//"))
    ):
        raise see_other(pay_url)
    await flash(request, translate(request, "Your order is placed; please pay as instructed."))
    raise see_other(fallback)
