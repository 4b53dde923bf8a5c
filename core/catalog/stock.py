"""Stock moves. Taking stock is one conditional UPDATE (``stock >= qty``), so no path can
oversell on SQLite or PostgreSQL; call these inside the order's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.expressions import F

from shequ.core.catalog.models import Sku
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime


# One statement that takes the stock and reports what is left; SQLite (3.35+) and PostgreSQL
# both support RETURNING, which saves the read-back on the hottest path of checkout.
_TAKE = (
    "UPDATE sku SET stock = stock - {q} WHERE id = {id} AND stock >= {q} AND active"
    " RETURNING shop_id, stock"
)


async def take_stock(runtime: Runtime, sku_id: int, quantity: int) -> bool:
    """Decrement stock if enough is left. Returns False (and changes nothing) otherwise."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    connection = Sku._meta.db
    if runtime.db.dialect == "postgres":  # asyncpg numbers its parameters
        sql, values = _TAKE.format(q="$1", id="$2"), [quantity, sku_id]
    else:
        sql, values = _TAKE.format(q="?", id="?"), [quantity, sku_id, quantity]
    # The current connection: inside in_transaction() this is the order's transaction.
    rows = await connection.execute_query_dict(sql, values)
    if not rows:
        return False
    shop_id, left = rows[0]["shop_id"], rows[0]["stock"]
    await _announce(runtime, sku_id, shop_id, left + quantity, left)
    return True


async def return_stock(runtime: Runtime, sku_id: int, quantity: int) -> None:
    """Give stock back (a cancelled or expired order)."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    with shop_scope(ALL_SHOPS):
        await Sku.filter(id=sku_id).update(stock=F("stock") + quantity)
        sku = await Sku.get_or_none(id=sku_id).only("id", "shop_id", "stock")
    if sku is not None:
        await _announce(runtime, sku.id, sku.shop_id, sku.stock - quantity, sku.stock)


async def set_stock(runtime: Runtime, sku_id: int, stock: int) -> None:
    """The seller sets an absolute stock level."""
    if stock < 0:
        raise ValueError("stock cannot be negative")
    with shop_scope(ALL_SHOPS):
        sku = await Sku.get(id=sku_id).only("id", "shop_id", "stock")
        old = sku.stock
        await Sku.filter(id=sku_id).update(stock=stock)
    await _announce(runtime, sku_id, sku.shop_id, old, stock)


async def _announce(runtime: Runtime, sku_id: int, shop_id: int, old: int, new: int) -> None:
    if old == new:
        return
    await runtime.hooks.notify(
        "shequ_stock_changed", sku_id=sku_id, shop_id=shop_id, old_stock=old, new_stock=new
    )
    if new == 0:
        await runtime.hooks.notify("shequ_out_of_stock", sku_id=sku_id, shop_id=shop_id)
    elif old == 0 and new > 0:
        await runtime.hooks.notify("shequ_back_in_stock", sku_id=sku_id, shop_id=shop_id, stock=new)
