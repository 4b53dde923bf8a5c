"""Errors of the commerce services (cart, checkout, orders, payments).

Services raise these with a stable ``code``; the API turns them into
``{"error": {"code", "message", "field"}}`` with the status each class carries, so the same
function serves the JSON API, the storefront and the admin.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from shequ.core.errors import ShequError
from shequ.core.pluginsys.dispatch import HookVeto
from shequ.core.web.errors import ApiError


class CommerceError(ShequError):
    """A refused cart, checkout, order or payment action."""


class NotFound(CommerceError):
    status = 404
    code = "not_found"


class Invalid(CommerceError):
    status = 422
    code = "invalid"


class Conflict(CommerceError):
    status = 409
    code = "conflict"


class Vetoed(CommerceError):
    """A plugin's validate hook refused; the reason is shown to the user as is."""

    status = 422
    code = "vetoed"

    def __init__(self, veto: HookVeto):
        super().__init__(veto.reason)
        self.plugin = veto.plugin
        self.hook = veto.hook


class OutOfStock(Conflict):
    code = "out_of_stock"

    def __init__(self, sku_id: int, title: str = ""):
        name = f"{title} (SKU {sku_id})" if title else f"SKU {sku_id}"
        super().__init__(f"Not enough stock left for {name}.", field=f"sku:{sku_id}")
        self.sku_id = sku_id


class IllegalTransition(Conflict):
    code = "illegal_transition"


class PricingError(CommerceError):
    """A plugin returned an adjustment the core cannot apply (a plugin bug, not the buyer's)."""

    status = 500
    code = "pricing_error"


T = TypeVar("T")


def to_api_error(exc: CommerceError) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message, exc.field)


def api_errors(handler: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """Wrap an API handler: commerce errors and plugin vetoes become JSON API errors."""

    @functools.wraps(handler)
    async def wrapped(*args: Any, **kwargs: Any) -> T:
        try:
            return await handler(*args, **kwargs)
        except HookVeto as veto:
            raise to_api_error(Vetoed(veto)) from None
        except CommerceError as exc:
            raise to_api_error(exc) from None

    return wrapped
