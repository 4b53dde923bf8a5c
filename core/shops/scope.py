"""The one mechanism that scopes seller-side queries to a shop.

Models that belong to a shop subclass :class:`ShopScopedModel`. Their manager filters every
query by the shop of the current scope, and saving fills in (or checks) ``shop_id``. A query
outside any scope raises :class:`ShopScopeError` instead of silently reading every shop;
platform code that must see all shops says so with ``shop_scope(ALL_SHOPS)``.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from tortoise import fields
from tortoise.manager import Manager
from tortoise.queryset import QuerySet

from shequ.core.db.models import TimestampedModel


class _AllShops:
    def __repr__(self) -> str:
        return "ALL_SHOPS"


ALL_SHOPS: Any = _AllShops()
_current_shop: contextvars.ContextVar[int | _AllShops | None] = contextvars.ContextVar(
    "shequ_current_shop", default=None
)


class ShopScopeError(RuntimeError):
    """A shop-owned model was queried or saved outside a matching shop scope."""


@contextlib.contextmanager
def shop_scope(shop: int | _AllShops) -> Iterator[None]:
    """Run the block with seller-side queries limited to ``shop`` (an id or ``ALL_SHOPS``)."""
    if shop is not ALL_SHOPS and not isinstance(shop, int):
        raise TypeError(f"shop_scope takes a shop id or ALL_SHOPS, not {shop!r}")
    token = _current_shop.set(shop)
    try:
        yield
    finally:
        _current_shop.reset(token)


def current_shop() -> int | _AllShops | None:
    return _current_shop.get()


def require_shop_id() -> int:
    shop = _current_shop.get()
    if not isinstance(shop, int):
        raise ShopScopeError("this needs one shop's scope (shop_scope(shop_id))")
    return shop


class ShopScopedManager(Manager):
    def get_queryset(self) -> QuerySet:
        shop = _current_shop.get()
        if shop is None:
            raise ShopScopeError(
                f"{self._model.__name__} belongs to a shop; query it inside shop_scope(...)"
            )
        queryset = QuerySet(self._model)
        if shop is ALL_SHOPS:
            return queryset
        return queryset.filter(shop_id=shop)


class ShopScopedModel(TimestampedModel):
    """Base of every model that belongs to one shop (catalog, orders, seller-side rows)."""

    shop: Any = fields.ForeignKeyField("core.Shop", related_name=False, on_delete=fields.RESTRICT)
    shop_id: int

    class Meta:
        abstract = True
        ordering = ["id"]

    # Every concrete subclass gets its own scoped manager (see ConventionMeta).
    _conventions: dict[str, Any] = {
        "ordering": lambda: ["id"],
        "manager": ShopScopedManager,
    }

    async def save(self, *args: Any, **kwargs: Any) -> None:
        shop = _current_shop.get()
        if shop is None:
            raise ShopScopeError(f"saving {type(self).__name__} needs a shop scope")
        if self.shop_id is None:
            if shop is ALL_SHOPS:
                raise ShopScopeError(f"{type(self).__name__}.shop must be set in ALL_SHOPS scope")
            self.shop_id = shop
        elif shop is not ALL_SHOPS and self.shop_id != shop:
            raise ShopScopeError(
                f"{type(self).__name__} of shop {self.shop_id} saved in shop {shop}'s scope"
            )
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        shop = _current_shop.get()
        if shop is None or (shop is not ALL_SHOPS and self.shop_id != shop):
            raise ShopScopeError(f"deleting {type(self).__name__} outside its shop's scope")
        await super().delete(*args, **kwargs)
