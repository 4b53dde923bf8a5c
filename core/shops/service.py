"""Shop lifecycle helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shequ.core.shops.models import Shop

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

DEFAULT_SLUG = "main"


async def ensure_default_shop(runtime: Runtime) -> Shop:
    """A fresh platform has one shop, so a single seller can start selling at once."""
    shop = await Shop.all().order_by("id").first()
    if shop is None:
        shop = await Shop.create(slug=DEFAULT_SLUG, name=runtime.settings.platform.name)
    return shop
