"""The guard every proposed commission line passes, whatever plugin proposed it (DESIGN §8).

A line is dropped (and the caller logs it) when it is not tied to a line of this order, is
deeper than the configured levels (never deeper than two), pays someone who is not at that
level of the order's snapshotted chain, pays the buyer for their own purchase while
``self_purchase`` is off, is not a positive whole number of fen, is for a line nothing was
paid for (or all of it refunded), or would push the line's commissions past the cap.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shequ.core.distribution import rules
from shequ.core.distribution.paid_share import percent_of
from shequ.core.hooktypes import CommissionLine


@dataclass(frozen=True)
class Limits:
    levels: int
    cap_percent: Decimal
    self_purchase: bool

    @property
    def depth(self) -> int:
        return max(0, min(self.levels, rules.MAX_LEVELS))


@dataclass(frozen=True)
class Screened:
    accepted: list[CommissionLine]
    # One dict per dropped line: what was proposed, by whom, and why it was dropped.
    dropped: list[dict[str, Any]]


def line_cap(base: int, cap_percent: Decimal) -> int:
    return percent_of(base, min(cap_percent, Decimal(rules.MAX_CAP_PERCENT)))


def screen(
    proposals: Sequence[tuple[str, Any]],
    *,
    buyer_id: int,
    chain: Sequence[int],
    bases: Mapping[int, int],
    fully_refunded: Set[int],
    limits: Limits,
) -> Screened:
    """Check ``(plugin, proposed line)`` pairs in call order; see the module docstring."""
    accepted: list[CommissionLine] = []
    dropped: list[dict[str, Any]] = []
    paid_so_far: dict[int, int] = {}
    for plugin, line in proposals:
        reason = _reason(line, buyer_id, chain, bases, fully_refunded, limits)
        if reason is None:
            cap = line_cap(bases[line.order_line_id], limits.cap_percent)
            so_far = paid_so_far.get(line.order_line_id, 0)
            if so_far + line.amount > cap:
                reason = (
                    f"would bring the line's commission to {so_far + line.amount} fen, "
                    f"past the cap of {limits.cap_percent}% ({cap} fen)"
                )
        if reason is not None:
            dropped.append(_describe(plugin, line, reason))
            continue
        paid_so_far[line.order_line_id] = paid_so_far.get(line.order_line_id, 0) + line.amount
        accepted.append(dataclasses.replace(line, plugin=plugin))
    return Screened(accepted, dropped)


def _reason(
    line: Any,
    buyer_id: int,
    chain: Sequence[int],
    bases: Mapping[int, int],
    fully_refunded: Set[int],
    limits: Limits,
) -> str | None:
    if not isinstance(line, CommissionLine):
        return f"not a CommissionLine ({type(line).__name__})"
    if line.order_line_id is None or line.order_line_id not in bases:
        return (
            "not tied to a line of this order: commission is only a share of a paid sale, "
            f"never a reward for recruiting, sign-ups or team volume ({rules.LAW})"
        )
    if not _whole(line.level) or not 1 <= line.level <= limits.depth:
        return (
            f"level {line.level!r} is deeper than the {limits.depth} level(s) allowed ({rules.LAW})"
        )
    if not _whole(line.beneficiary_id) or line.level > len(chain):
        return f"the order's referral chain has no level {line.level}"
    if chain[line.level - 1] != line.beneficiary_id:
        return f"customer {line.beneficiary_id} is not level {line.level} of the order's referral chain"
    if line.beneficiary_id == buyer_id and not limits.self_purchase:
        return "commission on one's own purchase is off (self_purchase = false)"
    if not isinstance(line.rule, str) or not line.rule.strip():
        return "a commission line needs its rule as text (it is shown to the distributor)"
    if not _whole(line.amount) or line.amount <= 0:
        return f"amount must be a positive whole number of fen (got {line.amount!r})"
    base = bases[line.order_line_id]
    if base <= 0:
        return "nothing was paid for this line"
    if line.order_line_id in fully_refunded:
        return "the line was fully refunded"
    return None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _describe(plugin: str, line: Any, reason: str) -> dict[str, Any]:
    described: dict[str, Any] = {"plugin": plugin, "reason": reason}
    for name in ("order_line_id", "level", "beneficiary_id", "amount", "rule"):
        value = getattr(line, name, None)
        described[name] = value if isinstance(value, int | str | None) else repr(value)
    return described
