"""Price one shop's part of a cart: lines from the database, adjustments from plugins.

Unit prices always come from the SKU rows, never from the client. Plugins contribute
:class:`~shequ.core.hooktypes.Adjustment` values through ``shequ_price_adjustments``; each is
tagged with its plugin and recorded, so every total is explainable::

    total == subtotal + sum(adjustment.amount)          (and never below 0)

Clamping: line adjustments are applied first, per line, in call order, then order-level ones
in call order. A negative adjustment larger than what is left (of the line, or of the order)
is clamped to exactly what is left and keeps the amount it asked for in
``requested_amount``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from shequ.core.hooktypes import Adjustment
from shequ.core.orders.errors import Invalid, PricingError

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

# Amounts are stored in 32-bit integer columns (fen): about 21 million yuan.
MAX_AMOUNT = 2**31 - 1


@dataclass
class DraftLine:
    sku_id: int
    product_id: int
    title: str
    specs: dict[str, Any]
    unit_price: int
    quantity: int
    # Filled by pricing: the line's own adjustments and what is left of it.
    line_adjustments: int = 0

    @property
    def key(self) -> str:
        """What ``Adjustment.line_key`` names: the SKU id as a string."""
        return str(self.sku_id)

    @property
    def line_subtotal(self) -> int:
        return self.unit_price * self.quantity

    @property
    def line_total(self) -> int:
        return self.line_subtotal + self.line_adjustments


@dataclass(frozen=True)
class AppliedAdjustment:
    """An adjustment as applied: ``amount`` counts; ``requested_amount`` is set when clamped."""

    code: str
    label: str
    amount: int
    plugin: str
    line_key: str | None = None
    requested_amount: int | None = None

    @property
    def clamped(self) -> bool:
        return self.requested_amount is not None

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "amount": self.amount,
            "plugin": self.plugin,
            "line_key": self.line_key,
            "requested_amount": self.requested_amount,
        }


@dataclass
class OrderDraft:
    """One shop's order before it exists. Plugins read it; only the core changes it."""

    shop_id: int
    customer_id: int | None
    currency: str
    lines: list[DraftLine]
    shipping_address: dict[str, Any] = field(default_factory=dict)
    adjustments: list[AppliedAdjustment] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.line_subtotal for line in self.lines)

    @property
    def adjustments_total(self) -> int:
        return sum(adj.amount for adj in self.adjustments)

    @property
    def total(self) -> int:
        return self.subtotal + self.adjustments_total

    def line(self, key: str) -> DraftLine | None:
        for line in self.lines:
            if line.key == key:
                return line
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "shop_id": self.shop_id,
            "currency": self.currency,
            "lines": [
                {
                    "sku_id": line.sku_id,
                    "product_id": line.product_id,
                    "title": line.title,
                    "specs": line.specs,
                    "unit_price": line.unit_price,
                    "quantity": line.quantity,
                    "line_subtotal": line.line_subtotal,
                    "line_adjustments": line.line_adjustments,
                    "line_total": line.line_total,
                }
                for line in self.lines
            ],
            "adjustments": [adj.as_json() for adj in self.adjustments],
            "subtotal": self.subtotal,
            "adjustments_total": self.adjustments_total,
            "total": self.total,
        }


def _proposed(tagged_results: list[Any], draft: OrderDraft) -> list[tuple[str, Adjustment]]:
    proposed = []
    for tagged in tagged_results:
        values = tagged.value if isinstance(tagged.value, list | tuple) else [tagged.value]
        for adj in values:
            if not isinstance(adj, Adjustment):
                raise PricingError(
                    f"plugin {tagged.plugin!r} returned {type(adj).__name__}, not an Adjustment"
                )
            if type(adj.amount) is not int:  # bools and floats are refused: money is int fen
                raise PricingError(f"plugin {tagged.plugin!r}: {adj.code} amount must be int fen")
            if adj.line_key is not None and draft.line(str(adj.line_key)) is None:
                raise PricingError(
                    f"plugin {tagged.plugin!r}: {adj.code} refers to line {adj.line_key!r}, "
                    "which is not in this order"
                )
            proposed.append((tagged.plugin, adj))
    return proposed


def _apply(plugin: str, adj: Adjustment, left: int) -> AppliedAdjustment:
    amount = adj.amount
    requested = None
    if amount < -left:
        requested, amount = amount, -left
    key = None if adj.line_key is None else str(adj.line_key)
    return AppliedAdjustment(adj.code, adj.label, amount, plugin, key, requested)


async def price_draft(runtime: Runtime, draft: OrderDraft) -> OrderDraft:
    """Run ``shequ_price_adjustments`` and apply the results to ``draft`` (returned)."""
    draft.adjustments = []
    for line in draft.lines:
        line.line_adjustments = 0
    check_amount(draft.subtotal, "subtotal")
    tagged = await runtime.hooks.transform("shequ_price_adjustments", draft=draft)
    proposed = _proposed(tagged, draft)

    applied: dict[int, AppliedAdjustment] = {}
    for index, (plugin, adj) in enumerate(proposed):
        if adj.line_key is not None:
            line = draft.line(str(adj.line_key))
            assert line is not None
            result = _apply(plugin, adj, line.line_total)
            line.line_adjustments += result.amount
            applied[index] = result
    running = sum(line.line_total for line in draft.lines)
    for index, (plugin, adj) in enumerate(proposed):
        if adj.line_key is None:
            result = _apply(plugin, adj, running)
            running += result.amount
            applied[index] = result
    draft.adjustments = [applied[i] for i in range(len(proposed))]
    for adj in draft.adjustments:
        if adj.clamped:
            log.info(
                "shop %s: %s from %s clamped from %s to %s",
                draft.shop_id,
                adj.code,
                adj.plugin,
                adj.requested_amount,
                adj.amount,
            )
    check_amount(draft.total, "total")
    assert draft.total >= 0 and draft.total == draft.subtotal + draft.adjustments_total
    return draft


def check_amount(amount: int, what: str) -> None:
    if amount > MAX_AMOUNT:
        raise Invalid(f"The order {what} is too large.", code="amount_too_large")
