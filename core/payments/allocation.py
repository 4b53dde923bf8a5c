"""Split an amount of fen over weights exactly (largest remainder), never losing a fen."""

from __future__ import annotations


def split(amount: int, weights: list[int]) -> list[int]:
    """Parts proportional to ``weights`` that sum to ``amount`` exactly.

    Each part is the floor of its share; the fen left over go to the largest remainders
    (earlier weights first on ties). A negative amount is split as its magnitude, negated.
    All weights zero means equal weights.
    """
    if not weights:
        if amount:
            raise ValueError("cannot split a non-zero amount over nothing")
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    if amount < 0:
        return [-part for part in split(-amount, weights)]
    if sum(weights) == 0:
        weights = [1] * len(weights)
    total = sum(weights)
    parts = [amount * w // total for w in weights]
    left = amount - sum(parts)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return parts


def capped_split(amount: int, caps: list[int]) -> list[int]:
    """Split ``0 <= amount <= sum(caps)`` proportionally to ``caps``; no part exceeds its cap.

    A share ``amount * cap / total`` is at most ``cap``; it is rounded up only when it has a
    fractional part, so it stays within the cap.
    """
    if not 0 <= amount <= sum(caps):
        raise ValueError("amount exceeds the caps")
    if amount == 0:
        return [0] * len(caps)
    return split(amount, caps)
