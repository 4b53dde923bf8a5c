"""The distributor center: my code and link, amounts, customers bound, orders, withdrawals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shequ.core.distribution.codes import scene_for, share_link
from shequ.core.distribution.errors import NotFound
from shequ.core.distribution.ledger import balances
from shequ.core.distribution.models import Binding, Commission, Distributor, Withdrawal
from shequ.core.shops.scope import shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime


async def my_distributor(shop_id: int, customer_id: int) -> Distributor:
    with shop_scope(shop_id):
        distributor = await Distributor.get_or_none(customer_id=customer_id)
    if distributor is None:
        raise NotFound("You are not a distributor of this shop.")
    return distributor


def profile(runtime: Runtime, distributor: Distributor) -> dict[str, Any]:
    link = share_link(runtime.settings.platform.base_url, distributor.code)
    return {
        "shop_id": distributor.shop_id,
        "status": distributor.status,
        "code": distributor.code,
        "link": link,
        "scene": scene_for(distributor.code),
        "joined_at": distributor.created_at.isoformat(),
    }


async def summary(runtime: Runtime, shop_id: int, customer_id: int) -> dict[str, Any]:
    distributor = await my_distributor(shop_id, customer_id)
    with shop_scope(shop_id):
        bound = await Binding.filter(referrer_id=customer_id).count()
    return {
        **profile(runtime, distributor),
        "amounts": await balances(shop_id, customer_id),
        "currency": runtime.settings.platform.currency,
        "customers_bound": bound,
    }


async def bound_customers(
    shop_id: int, customer_id: int, limit: int, offset: int
) -> list[dict[str, Any]]:
    await my_distributor(shop_id, customer_id)
    with shop_scope(shop_id):
        rows = (
            await Binding.filter(referrer_id=customer_id)
            .order_by("-bound_at", "-id")
            .offset(offset)
            .limit(limit)
            .values("customer_id", "customer__nickname", "source", "bound_at")
        )
    return [
        {
            "customer_id": r["customer_id"],
            "nickname": r["customer__nickname"],
            "source": r["source"],
            "bound_at": r["bound_at"].isoformat(),
        }
        for r in rows
    ]


async def attributed_orders(
    shop_id: int, customer_id: int, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Orders that earned this distributor commission, newest first, with what each earned."""
    await my_distributor(shop_id, customer_id)
    with shop_scope(shop_id):
        order_ids = (
            await Commission.filter(beneficiary_id=customer_id)
            .order_by("-order_id")
            .distinct()
            .offset(offset)
            .limit(limit)
            .values_list("order_id", flat=True)
        )
        commissions = (
            await Commission.filter(beneficiary_id=customer_id, order_id__in=list(order_ids))
            .order_by("id")
            .values(
                "order_id",
                "order__number",
                "order__created_at",
                "level",
                "amount",
                "reversed_amount",
                "state",
                "currency",
            )
        )
    orders: dict[int, dict[str, Any]] = {}
    for c in commissions:
        entry = orders.setdefault(
            c["order_id"],
            {
                "order_id": c["order_id"],
                "number": c["order__number"],
                "placed_at": c["order__created_at"].isoformat(),
                "currency": c["currency"],
                "commission": 0,
                "states": [],
            },
        )
        entry["commission"] += c["amount"] - c["reversed_amount"]
        if c["state"] not in entry["states"]:
            entry["states"].append(c["state"])
    return [orders[order_id] for order_id in order_ids if order_id in orders]


async def my_withdrawals(shop_id: int, customer_id: int, limit: int, offset: int) -> list[dict]:
    with shop_scope(shop_id):
        rows = (
            await Withdrawal.filter(beneficiary_id=customer_id)
            .order_by("-id")
            .offset(offset)
            .limit(limit)
        )
    return [withdrawal_json(w) for w in rows]


def withdrawal_json(w: Withdrawal) -> dict[str, Any]:
    return {
        "id": w.id,
        "amount": w.amount,
        "currency": w.currency,
        "state": w.state,
        "reference": w.reference,
        "requested_at": w.created_at.isoformat(),
        "decided_at": w.decided_at.isoformat() if w.decided_at else None,
        "reason": w.reason,
    }
