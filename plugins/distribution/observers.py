"""Order events drive the commission engine (delivered after commit, retried on failure)."""

from __future__ import annotations

from shequ.core import hookimpl
from shequ.core.distribution import engine


@hookimpl
async def shequ_order_paid(runtime, order_id: int, shop_id: int) -> None:
    await engine.on_order_paid(runtime, shop_id, order_id)


@hookimpl
async def shequ_order_completed(runtime, order_id: int, shop_id: int) -> None:
    await engine.on_order_completed(runtime, shop_id, order_id)


@hookimpl
async def shequ_order_refunded(runtime, order_id: int, shop_id: int) -> None:
    await engine.on_order_refunded(runtime, shop_id, order_id)


@hookimpl
async def shequ_order_cancelled(runtime, order_id: int, shop_id: int) -> None:
    # A cancelled order earns nothing; if it was paid, everything planned is taken back.
    await engine.on_order_refunded(runtime, shop_id, order_id)
