"""Transactional notices to customers (order paid, shipped, refunded...).

Only transactional topics are accepted: WeChat's template messages are for service notices,
never marketing, so the core refuses topics it does not know instead of passing them on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

TOPICS = {
    "order.created": "订单已提交",
    "order.paid": "支付成功",
    "order.shipped": "订单已发货",
    "order.completed": "订单已完成",
    "order.cancelled": "订单已取消",
    "order.refunded": "退款成功",
    "group_buy.succeeded": "拼团成功",
    "group_buy.failed": "拼团失败，已全额退款",
    "commission.available": "佣金可提现",
    "withdrawal.paid": "提现已到账",
}


async def notify_customer(
    runtime: Runtime, customer_id: int, shop_id: int | None, topic: str, data: dict[str, Any]
) -> int:
    """Queue the notice for every channel plugin; call inside the change's transaction."""
    if topic not in TOPICS:
        raise ValueError(f"unknown notice topic {topic!r}; notices are transactional only")
    return await runtime.hooks.notify(
        "shequ_notify_customer", customer_id=customer_id, shop_id=shop_id, topic=topic, data=data
    )
