"""Service errors as sentences for buyers, in the page's language.

The services raise errors with stable codes and English messages for the API. Buyers read
the storefront in Chinese by default, so known codes and fields get the theme's translated
sentence; a plugin's veto reason is shown exactly as the plugin wrote it.
"""

from __future__ import annotations

from aiohttp import web

from shequ.core.accounts.errors import AccountError, DuplicateIdentity
from shequ.core.catalog.errors import CatalogError
from shequ.core.orders.errors import CommerceError, Vetoed
from shequ.core.storefront.pages.view import translate

BY_CODE = {
    "insufficient_stock": "Not enough stock left.",
    "out_of_stock": "Not enough stock left.",
    "unavailable": "This product is no longer on sale.",
    "sku_not_found": "This product is no longer on sale.",
    "cart_empty": "Your cart is empty.",
    "cart_line_not_found": "This item is no longer in your cart.",
    "address_not_found": "Please choose a shipping address.",
    "order_not_found": "No such order.",
    "payment_expired": "The time to pay this order has passed.",
    "payment_not_pending": "This order is already paid or closed.",
    "nothing_to_pay": "This order is already paid or closed.",
    "request_open": "A refund request for this order is already open.",
    "illegal_transition": "This cannot be done with the order in its current state.",
    "mixed_currency": "One checkout pays in one currency.",
}
# Fields of the address and sign-up forms, as buyers see them.
FIELD_NAMES = {
    "recipient": "Recipient",
    "phone": "Mobile number",
    "province": "Province",
    "city": "City",
    "district": "District",
    "detail": "Street address",
    "nickname": "Nickname",
}


def field_of(exc: Exception) -> str:
    """The bare form field an error names (``address.city`` -> ``city``)."""
    field = getattr(exc, "field", None) or ""
    return field.rsplit(".", 1)[-1]


def describe(request: web.Request, exc: Exception) -> str:
    """What to tell the buyer about ``exc``."""
    if isinstance(exc, Vetoed):
        return exc.message  # the plugin's own words
    if isinstance(exc, DuplicateIdentity):
        return translate(request, "An account with this e-mail or mobile number already exists.")
    field = field_of(exc)
    if isinstance(exc, CommerceError) and exc.code in BY_CODE:
        return translate(request, BY_CODE[exc.code])
    if isinstance(exc, AccountError | CommerceError) and field == "quantity":
        return translate(request, "Quantity must be a whole number from 1 to 999.")
    if isinstance(exc, AccountError):
        if field == "password":
            return translate(request, "The password needs at least 8 characters.")
        if field in ("value", "identifier", "kind"):
            return translate(request, "Enter a valid e-mail address or 11-digit mobile number.")
        if field in FIELD_NAMES:
            name = translate(request, FIELD_NAMES[field])
            return translate(request, "Please check the field: %(field)s", field=name)
    if isinstance(exc, CommerceError) and field in FIELD_NAMES:
        name = translate(request, FIELD_NAMES[field])
        return translate(request, "Please check the field: %(field)s", field=name)
    if isinstance(exc, AccountError | CommerceError | CatalogError):
        return exc.message
    return str(exc)
