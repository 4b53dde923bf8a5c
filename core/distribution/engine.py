"""Commission for orders: the plan when an order is paid, then completion and refunds.

The order observers of the ``distribution`` plugin call :func:`on_order_paid`,
:func:`on_order_completed` and :func:`on_order_refunded` (also for cancellation). Each is
idempotent and safe in any order: a completion or refund that arrives before the payment
event builds the plan first. Each locks the order row, so a plan, a completion and a refund
of one order never interleave.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from shequ.core.distribution import ledger
from shequ.core.distribution.compliance import Limits, screen
from shequ.core.distribution.models import Commission, CommissionPlan
from shequ.core.distribution.paid_share import (
    line_bases,
    line_shares,
    owed_after_refund,
    refunded_by_line,
)
from shequ.core.distribution.settings import PLUGIN, DistributionSettings, distribution_settings
from shequ.core.hooktypes import CommissionLine
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.models import Order, OrderLine, OrderState
from shequ.core.payments.models import Refund, RefundState
from shequ.core.pluginsys.dispatch import HookVeto
from shequ.core.shops.scope import shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

PAID_STATES = (OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED)
UNDONE_STATES = (OrderState.REFUNDED, OrderState.CANCELLED)


class PlanStatus:
    APPLIED = "applied"
    VETOED = "vetoed"
    NO_CHAIN = "no_chain"
    DISABLED = "disabled"
    UNPAID = "unpaid"


async def on_order_paid(
    runtime: Runtime, shop_id: int, order_id: int, actor: str = "system"
) -> CommissionPlan | None:
    """Build the order's commission plan (once). ``None`` while the order is unpaid."""

    async def attempt() -> CommissionPlan | None:
        async with in_transaction():
            order = await _locked_order(order_id)
            plan = await _plan(runtime, order, actor)
            if plan is not None and order.state == OrderState.COMPLETED:
                await _freeze(runtime, order, actor)
            return plan

    with shop_scope(shop_id):
        if (plan := await CommissionPlan.get_or_none(order_id=order_id)) is not None:
            return plan
        try:
            return await ledger.retrying(attempt)
        except IntegrityError:  # another runner planned it meanwhile
            return await CommissionPlan.get_or_none(order_id=order_id)


async def on_order_completed(
    runtime: Runtime, shop_id: int, order_id: int, actor: str = "system"
) -> None:
    """Freeze the order's pending commissions until the after-sales window has passed."""

    async def attempt() -> None:
        async with in_transaction():
            order = await _locked_order(order_id)
            if await _plan(runtime, order, actor) is not None:
                await _freeze(runtime, order, actor)

    with shop_scope(shop_id):
        await ledger.retrying(attempt)


async def on_order_refunded(
    runtime: Runtime, shop_id: int, order_id: int, actor: str = "system"
) -> None:
    """Take back commission in proportion to what was refunded, line by line (also when
    the commission is already available: the balance may go negative)."""

    async def attempt() -> None:
        async with in_transaction():
            order = await _locked_order(order_id)
            if await _plan(runtime, order, actor) is not None:
                await _reverse(runtime, order, actor)

    with shop_scope(shop_id):
        await ledger.retrying(attempt)


async def _locked_order(order_id: int) -> Order:
    return await Order.filter(id=order_id).select_for_update().get()


async def _plan(runtime: Runtime, order: Order, actor: str) -> CommissionPlan | None:
    """The order's plan, built now if there is none yet (inside the caller's transaction)."""
    existing = await CommissionPlan.get_or_none(order_id=order.id)
    if existing is not None:
        return existing
    if order.state == OrderState.PENDING_PAYMENT or (
        order.state == OrderState.CANCELLED and order.paid_amount <= 0
    ):
        return None  # never paid: nothing to plan, and no row for the many expired orders
    chain = _clean_chain(order.referral_chain)
    settings = await distribution_settings(runtime, order.shop_id)
    status, reason, dropped = PlanStatus.APPLIED, "", []
    accepted: list[CommissionLine] = []
    lines: list[OrderLine] = []
    bases: dict[int, int] = {}
    if settings is None:
        status, reason = PlanStatus.DISABLED, "distribution is not enabled"
    elif order.state not in PAID_STATES:
        status, reason = PlanStatus.UNPAID, f"order is {order.state}"
    elif not chain:
        status, reason = PlanStatus.NO_CHAIN, "nobody referred the buyer"
    else:
        # Plugins read order.lines and order.adjustments (prefetched, read only).
        await order.fetch_related("lines", "adjustments")
        lines = sorted(order.lines, key=lambda line: line.id)
        bases = line_bases(lines, order.adjustments)
        accepted, dropped = await _propose(runtime, order, chain, lines, bases, settings)
        try:
            await runtime.hooks.validate(
                "shequ_validate_commission_plan", order=order, plan=list(accepted)
            )
        except HookVeto as veto:
            status, reason = PlanStatus.VETOED, f"{veto.plugin}: {veto.reason}"
            log.info("distribution: plan of order %s vetoed by %s", order.id, reason)
            accepted = []
    plan = await CommissionPlan.create(
        shop_id=order.shop_id,
        order_id=order.id,
        chain=chain,
        status=status,
        reason=reason[:255],
        dropped=dropped,
    )
    titles = {line.id: line.title for line in lines}
    for line in accepted:
        commission = await Commission.create(
            shop_id=order.shop_id,
            order_id=order.id,
            order_line_id=line.order_line_id,
            beneficiary_id=line.beneficiary_id,
            level=line.level,
            currency=order.currency,
            base_amount=bases[line.order_line_id],
            rate_percent=_rate(line.rate_percent),
            amount=line.amount,
            rule=line.rule[:120],
            plugin=line.plugin,
            explanation=_explanation(line, chain, bases, titles, settings),
        )
        await ledger.record_new(runtime, commission, actor)
    if accepted:
        await _reverse(runtime, order, actor)  # refunds that came before the plan
    return plan


async def _propose(
    runtime: Runtime,
    order: Order,
    chain: list[int],
    lines: list[OrderLine],
    bases: dict[int, int],
    settings: DistributionSettings,
) -> tuple[list[CommissionLine], list[dict[str, Any]]]:
    """Every plugin's lines through the compliance guard: (accepted, dropped)."""
    shares, refunded = await _refunded(order, lines)
    tagged = await runtime.hooks.transform("shequ_commission_plan", order=order, chain=list(chain))
    # The shop's configured rates come first; other plugins fill what the cap leaves.
    tagged = sorted(tagged, key=lambda t: t.plugin != PLUGIN)
    screened = screen(
        [(t.plugin, line) for t in tagged for line in _as_list(t.value)],
        buyer_id=order.customer_id,
        chain=chain,
        bases=bases,
        fully_refunded={k for k, v in refunded.items() if v >= shares[k]},
        limits=Limits(settings.levels, settings.cap_percent, settings.self_purchase),
    )
    for item in screened.dropped:
        log.warning(
            "distribution: dropped a commission line of plugin %s on order %s: %s (%s)",
            item["plugin"],
            order.id,
            item["reason"],
            {k: v for k, v in item.items() if k not in ("plugin", "reason")},
        )
    return screened.accepted, screened.dropped


def _clean_chain(raw: Any) -> list[int]:
    if not isinstance(raw, list):
        return []
    return [x for x in raw if isinstance(x, int) and not isinstance(x, bool)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _rate(rate: Any) -> Decimal | None:
    """A plugin's stated rate, for the record; nonsense (not a percentage) is kept as None."""
    if isinstance(rate, bool) or not isinstance(rate, int | float | Decimal):
        return None
    try:
        value = Decimal(str(rate))
        if not value.is_finite() or not 0 <= value <= 100:
            return None
        return value.quantize(Decimal("0.0001"))
    except ArithmeticError:
        return None


def _explanation(
    line: CommissionLine,
    chain: list[int],
    bases: dict[int, int],
    titles: dict[int, str],
    settings: DistributionSettings | None,
) -> dict[str, Any]:
    rate = _rate(line.rate_percent)
    return {
        "chain": chain,
        "level": line.level,
        "order_line_id": line.order_line_id,
        "line_title": titles.get(line.order_line_id or 0, ""),
        "rule": line.rule,
        "rate_percent": str(rate) if rate is not None else None,
        "base_amount": bases[line.order_line_id or 0],
        "amount": line.amount,
        "plugin": line.plugin,
        "cap_percent": str(settings.cap_percent) if settings else None,
    }


async def _refunded(order: Order, lines: list[OrderLine]) -> tuple[dict[int, int], dict[int, int]]:
    """Each line's share of what was paid, and how much of it succeeded refunds gave back."""
    shares = line_shares(lines, order.paid_amount)
    refunds = await Refund.filter(order_id=order.id, state=RefundState.SUCCEEDED)
    return shares, refunded_by_line(shares, refunds)


async def _commissions(order: Order) -> list[Commission]:
    return await Commission.filter(order_id=order.id).select_for_update().order_by("id")


async def _freeze(runtime: Runtime, order: Order, actor: str) -> None:
    settings = await distribution_settings(runtime, order.shop_id) or DistributionSettings()
    completed_at = order.completed_at or utcnow()
    settle_at = completed_at + dt.timedelta(days=settings.settle_after_days)
    for commission in await _commissions(order):
        await ledger.freeze(runtime, commission, settle_at, actor)


async def _reverse(runtime: Runtime, order: Order, actor: str) -> None:
    commissions = await _commissions(order)
    if not commissions:
        return
    if order.state in UNDONE_STATES:
        for commission in commissions:
            await ledger.reverse_to(runtime, commission, 0, actor, f"order {order.state}")
        return
    lines = await OrderLine.filter(order_id=order.id).order_by("id")
    shares, refunded = await _refunded(order, lines)
    for commission in commissions:
        line_id = commission.order_line_id
        owed = owed_after_refund(
            commission.amount, shares.get(line_id, 0), refunded.get(line_id, 0)
        )
        await ledger.reverse_to(
            runtime,
            commission,
            owed,
            actor,
            f"refund: {refunded.get(line_id, 0)} of {shares.get(line_id, 0)} fen paid for the line",
        )


async def plan_report(order_id: int) -> dict[str, Any] | None:
    """The explanation of an order's commissions (call inside the order's shop scope)."""
    plan = await CommissionPlan.get_or_none(order_id=order_id)
    if plan is None:
        return None
    commissions = await Commission.filter(order_id=order_id).order_by(
        "order_line_id", "level", "id"
    )
    return {
        "order_id": order_id,
        "shop_id": plan.shop_id,
        "status": plan.status,
        "reason": plan.reason,
        "chain": plan.chain,
        "dropped": plan.dropped,
        "commissions": [
            {
                "id": c.id,
                "beneficiary_id": c.beneficiary_id,
                "level": c.level,
                "order_line_id": c.order_line_id,
                "base_amount": c.base_amount,
                "rate_percent": str(c.rate_percent) if c.rate_percent is not None else None,
                "amount": c.amount,
                "reversed_amount": c.reversed_amount,
                "owed": c.owed,
                "state": c.state,
                "rule": c.rule,
                "plugin": c.plugin,
                "settle_at": c.settle_at.isoformat() if c.settle_at else None,
                "explanation": c.explanation,
            }
            for c in commissions
        ],
    }
