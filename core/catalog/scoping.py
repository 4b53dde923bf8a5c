"""The shop scope a catalog function runs in.

A function given a shop works in that shop; given none, it reads across shops explicitly
(``ALL_SHOPS``). Inside an enclosing one-shop scope it never widens or switches: it stays in
that shop, and naming another shop is a :class:`ShopScopeError`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from shequ.core.shops.scope import ALL_SHOPS, ShopScopeError, current_shop, shop_scope


def effective_shop(shop_id: int | None) -> Any:
    """The shop id (or ``ALL_SHOPS``) a call for ``shop_id`` may see."""
    current = current_shop()
    if isinstance(current, int):
        if shop_id is not None and shop_id != current:
            raise ShopScopeError(f"shop {shop_id} asked for inside shop {current}'s scope")
        return current
    return shop_id if shop_id is not None else ALL_SHOPS


@contextlib.contextmanager
def catalog_scope(shop_id: int | None) -> Iterator[Any]:
    """Enter :func:`effective_shop`'s scope; yields the shop id or ``ALL_SHOPS``."""
    shop = effective_shop(shop_id)
    with shop_scope(shop):
        yield shop
