"""Storefront slots: named places in templates that plugins fill through ``shequ_slot``.

A template writes ``{{ slot("product.after_price") }}``; the core calls the transform hook
``shequ_slot(name, context)`` and joins the results in plugin order. A plain string is
escaped; only :class:`~shequ.core.hooktypes.SlotContent` with ``safe=True`` is trusted as
HTML, and only here. ``SLOTS`` is the contract: the default theme uses every slot in it,
``shequ theme check`` rejects any other name, and the engine logs one at render.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from shequ.core.hooktypes import SlotContent

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

SLOTS: dict[str, str] = {
    "head": "Inside <head> of every page, after the stylesheets (meta tags, links).",
    "body_end": "Last thing in <body> of every page (script tags served by the plugin).",
    "header": "In the site header, after the shop name (badges, a search link).",
    "home.sections": "Sections of the home page, above the product listing.",
    "product.after_price": "Under a product's price (group-buy price, member price).",
    "product.after_description": "Under a product's description (reviews, guarantees).",
    "product.actions": "Next to the add-to-cart button (share, start a group buy).",
    "cart.summary": "In the cart's summary, above the total (coupons, shipping notes).",
    "checkout.before_pay": "On the checkout page, above the pay button (notices, consent).",
    "order.detail": "On an order's page, under its lines (tracking, commission notes).",
    "account.menu": "Entries of the customer's account menu (a plugin's own pages).",
}


def describe_slots() -> str:
    """The contract as text, one slot a line (``shequ theme slots``)."""
    width = max(len(name) for name in SLOTS)
    return "".join(f"{name.ljust(width)}  {text}\n" for name, text in SLOTS.items())


def slot_html(plugin: str, value: Any) -> Markup:
    """One plugin's contribution as markup: escaped unless it is trusted ``SlotContent``."""
    if isinstance(value, SlotContent):
        return Markup(value.html) if value.safe else escape(str(value.html))
    if isinstance(value, str):
        # str() drops a Markup subclass: plugins mark HTML safe only with SlotContent.
        return escape(str(value))
    raise TypeError(f"plugin {plugin!r}: shequ_slot must return str or SlotContent, not {value!r}")


async def fill_slot(runtime: Runtime, name: str, context: Mapping[str, Any]) -> Markup:
    """Every plugin's content for slot ``name``, joined in plugin order."""
    results = await runtime.hooks.transform(
        "shequ_slot", name=name, context=MappingProxyType(dict(context))
    )
    return Markup("").join(slot_html(tagged.plugin, tagged.value) for tagged in results)
