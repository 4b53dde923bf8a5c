"""Scheduled order jobs: expire unpaid orders, auto-complete shipped ones."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shequ.core.orders.service import auto_complete_orders, expire_unpaid_orders

if TYPE_CHECKING:
    from shequ.core.jobs.registry import JobRegistry
    from shequ.core.runtime import Runtime

EXPIRE_UNPAID = "orders.expire_unpaid"
AUTO_COMPLETE = "orders.auto_complete"


def register_order_jobs(registry: JobRegistry) -> None:
    @registry.handler(EXPIRE_UNPAID)
    async def expire(runtime: Runtime, payload: dict[str, Any]) -> None:
        await expire_unpaid_orders(runtime)

    @registry.handler(AUTO_COMPLETE)
    async def complete(runtime: Runtime, payload: dict[str, Any]) -> None:
        await auto_complete_orders(runtime)

    # A minute late at most for stock held by unpaid orders; completion is a matter of days.
    registry.every(60, EXPIRE_UNPAID)
    registry.every(3600, AUTO_COMPLETE)
