"""The referral chain snapshotted on an order when it is placed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shequ.core.distribution.models import Binding, Distributor, DistributorStatus
from shequ.core.distribution.settings import distribution_settings, effective_levels
from shequ.core.shops.scope import shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime


async def snapshot_chain(runtime: Runtime, shop_id: int, customer_id: int) -> list[int]:
    """Distributors (customer ids) to credit for this buyer's order, nearest first.

    Call it inside the order-placement transaction and store the result on
    ``Order.referral_chain``; it never changes afterwards. At most the shop's ``levels``
    entries (2 at most); the walk stops at a referrer who is no longer an active
    distributor, so a suspended distributor's upline is not promoted in their place. With
    ``self_purchase`` on, a buyer who is an active distributor is first in their own chain.
    Costs at most two indexed lookups per level, whatever the size of the graph.
    """
    settings = await distribution_settings(runtime, shop_id)
    if settings is None:
        return []
    depth = effective_levels(settings)
    chain: list[int] = []
    with shop_scope(shop_id):
        if settings.self_purchase and await _active(customer_id):
            chain.append(customer_id)
        current, seen = customer_id, {customer_id}
        while len(chain) < depth:
            referrer = (
                await Binding.filter(customer_id=current)
                .first()
                .values_list("referrer_id", flat=True)
            )
            if referrer is None or referrer in seen or not await _active(referrer):
                break
            chain.append(referrer)
            seen.add(referrer)
            current = referrer
    return chain


async def _active(customer_id: int) -> bool:
    return await Distributor.exists(customer_id=customer_id, status=DistributorStatus.ACTIVE)
