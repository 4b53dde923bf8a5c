"""The "分销中心" entry in the customer's account menu (slot ``account.menu``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from shequ.core.distribution.settings import distribution_settings
from shequ.core.hooktypes import SlotContent
from shequ.core.shops.models import Shop
from shequ.plugins.distribution.pages.center import center_url

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime


async def account_menu_entry(runtime: Runtime, context: Mapping[str, Any]) -> SlotContent | None:
    """A link to the center of the shop being viewed (else the first shop), if that shop
    runs a distribution program."""
    viewed = context.get("shop")
    shop_id = getattr(viewed, "id", None)
    if shop_id is None:
        first = await Shop.filter(status="active").order_by("id").first()
        shop_id = None if first is None else first.id
    if shop_id is None or await distribution_settings(runtime, shop_id) is None:
        return None
    href = escape(center_url(shop_id))
    return SlotContent(html=f'<li><a href="{href}">{escape("分销中心")}</a></li>', safe=True)
