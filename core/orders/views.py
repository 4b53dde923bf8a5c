"""JSON shapes of orders for the API (buyer side); amounts are integer fen."""

from __future__ import annotations

from typing import Any

from shequ.core.orders.models import (
    Order,
    OrderAdjustment,
    OrderLine,
    OrderTransition,
    Shipment,
)
from shequ.core.shops.scope import shop_scope


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def order_summary(order: Order) -> dict[str, Any]:
    return {
        "number": order.number,
        "shop_id": order.shop_id,
        "state": order.state,
        "currency": order.currency,
        "subtotal": order.subtotal,
        "adjustments_total": order.adjustments_total,
        "total": order.total,
        "paid_amount": order.paid_amount,
        "refunded_amount": order.refunded_amount,
        "created_at": _time(order.created_at),
        "expires_at": _time(order.expires_at),
        "paid_at": _time(order.paid_at),
        "shipped_at": _time(order.shipped_at),
        "completed_at": _time(order.completed_at),
        "cancelled_at": _time(order.cancelled_at),
    }


async def order_detail(order: Order) -> dict[str, Any]:
    """The order with its lines, pricing breakdown, shipments and history."""
    with shop_scope(order.shop_id):
        lines = await OrderLine.filter(order_id=order.id).order_by("id")
        adjustments = await OrderAdjustment.filter(order_id=order.id).order_by("id")
        shipments = await Shipment.filter(order_id=order.id).order_by("id")
        transitions = await OrderTransition.filter(order_id=order.id).order_by("id")
    return {
        **order_summary(order),
        "shipping_address": order.shipping_address,
        "buyer_note": order.buyer_note,
        "lines": [
            {
                "id": line.id,
                "sku_id": line.sku_id,
                "product_id": line.product_id,
                "title": line.title,
                "specs": line.specs,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "line_subtotal": line.line_subtotal,
                "line_adjustments": line.line_adjustments,
                "line_total": line.line_total,
                "refunded_amount": line.refunded_amount,
            }
            for line in lines
        ],
        "adjustments": [
            {
                "code": adj.code,
                "label": adj.label,
                "amount": adj.amount,
                "requested_amount": adj.requested_amount,
                "plugin": adj.plugin,
                "line_id": adj.line_id,
            }
            for adj in adjustments
        ],
        "shipments": [
            {
                "carrier": s.carrier,
                "tracking_number": s.tracking_number,
                "created_at": _time(s.created_at),
            }
            for s in shipments
        ],
        "history": [
            {
                "from": t.from_state,
                "to": t.to_state,
                "actor": t.actor,
                "reason": t.reason,
                "at": _time(t.created_at),
            }
            for t in transitions
        ],
    }
