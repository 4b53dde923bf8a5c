"""Built-in shipping fee: a flat fee per shop's order, free above a subtotal.

Enable it with ``plugins.enabled = ["shipping"]``; ``[plugins.shipping]`` sets the deployment
defaults and each shop may override them (``runtime.plugin_settings``). Amounts are fen::

    [plugins.shipping]
    flat_fee = 1000       # 运费 10.00
    free_above = 9900     # free from 99.00; omit for never free
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shequ.core import hookimpl
from shequ.core.hooktypes import Adjustment

NAME = "shipping"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    flat_fee: StrictInt = Field(default=1000, ge=0, description="fee per order, in fen")
    free_above: StrictInt | None = Field(
        default=9900, ge=0, description="no fee when the order's subtotal reaches this (fen)"
    )


@hookimpl
async def shequ_price_adjustments(runtime, draft):
    """One order-level "shipping" adjustment, unless the fee is 0 or the subtotal is high
    enough (the subtotal before discounts, as shown next to the "free above" notice)."""
    settings = await runtime.plugin_settings.for_shop(NAME, draft.shop_id)
    if settings.flat_fee == 0:
        return None
    if settings.free_above is not None and draft.subtotal >= settings.free_above:
        return None
    return [Adjustment(code="shipping", label="运费", amount=settings.flat_fee)]
