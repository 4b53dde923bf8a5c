"""What was actually paid for each order line: the base every commission is a share of.

An order-level discount (a coupon on the whole order) is spread over the lines in proportion
to their totals, largest remainders first, so the bases add up to exactly what the buyer paid
for goods. Order-level charges such as shipping are not a sale of any line and never count.
Refunds are measured against each line's share of everything paid (as refunds are split),
and take commission back in the same proportion. Everything is integer fen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from shequ.core.payments.allocation import split


def percent_of(amount: int, percent: Decimal | int | float | str) -> int:
    """``amount * percent / 100`` in whole fen, rounded down (never pays a fraction more)."""
    share = Decimal(amount) * Decimal(str(percent)) / 100
    return int(share.to_integral_value(rounding=ROUND_FLOOR))


def allocate(total: int, weights: Mapping[int, int]) -> dict[int, int]:
    """Split ``total`` fen over keys in proportion to ``weights``; the parts add up exactly.

    Nothing to split (or nothing to weigh) gives zeros. The arithmetic is the payments'
    :func:`~shequ.core.payments.allocation.split`, so refunds and commission reversals
    round the same way; keys in ascending order break ties.
    """
    if total <= 0 or sum(weights.values()) <= 0:
        return {key: 0 for key in weights}
    keys = sorted(weights)
    return dict(zip(keys, split(total, [weights[key] for key in keys]), strict=True))


def line_bases(lines: Iterable[Any], adjustments: Iterable[Any]) -> dict[int, int]:
    """Order line id -> fen paid for that line, net of line and order-level discounts."""
    totals = {line.id: max(int(line.line_total), 0) for line in lines}
    discount = -sum(
        int(a.amount) for a in adjustments if getattr(a, "line_id", None) is None and a.amount < 0
    )
    discount = min(discount, sum(totals.values()))
    shares = allocate(discount, totals)
    return {line_id: total - shares[line_id] for line_id, total in totals.items()}


def line_shares(lines: Iterable[Any], paid_amount: int) -> dict[int, int]:
    """Order line id -> its share of everything paid (shipping included): what a refund of the
    whole line gives back. Refunds reverse commission in proportion to this share."""
    totals = {line.id: max(int(line.line_total), 0) for line in lines}
    extra = int(paid_amount) - sum(totals.values())
    parts = allocate(abs(extra), totals)
    sign = 1 if extra >= 0 else -1
    return {line_id: total + sign * parts[line_id] for line_id, total in totals.items()}


def refunded_by_line(shares: Mapping[int, int], refunds: Iterable[Any]) -> dict[int, int]:
    """Order line id -> fen given back for it by succeeded refunds, at most its share.

    Only succeeded refunds count (a pending one may still fail). Money a refund attributes to
    no line is spread over what is left of each line's share.
    """
    by_line = {line_id: 0 for line_id in shares}
    unattributed = 0
    for refund in refunds:
        attributed = 0
        for key, amount in (refund.line_amounts or {}).items():
            try:
                line_id, amount = int(key), int(amount)
            except (TypeError, ValueError):
                continue
            if line_id in by_line and amount > 0:
                by_line[line_id] += amount
                attributed += amount
        unattributed += max(int(refund.amount) - attributed, 0)
    by_line = {k: min(v, shares[k]) for k, v in by_line.items()}
    if unattributed > 0:
        left = {k: max(shares[k] - v, 0) for k, v in by_line.items()}
        for line_id, extra in allocate(min(unattributed, sum(left.values())), left).items():
            by_line[line_id] += extra
    return by_line


def owed_after_refund(amount: int, share: int, refunded: int) -> int:
    """What remains of a commission of ``amount`` once ``refunded`` of the line's ``share``
    went back (rounded down: a partial refund never leaves a fen too much)."""
    if share <= 0:
        return 0
    kept = share - min(max(refunded, 0), share)
    return amount * kept // share
