"""Money in the admin: sellers type yuan ("12.50"), everything stored is integer fen."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# The catalog's integer columns are 32-bit.
MAX_FEN = 2**31 - 1
_AMOUNT = re.compile(r"^\d{1,10}(\.\d{1,2})?$")
SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "¥"}


class MoneyError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def parse_yuan(text: str, field: str) -> int:
    """``"12.5"`` -> ``1250`` fen. At most two decimals; no signs, no exponents, no floats."""
    cleaned = text.strip().replace(",", "").lstrip("¥").strip()
    if not _AMOUNT.match(cleaned):
        raise MoneyError(f"{field}: enter an amount like 12.50 (at most two decimals)", field)
    try:
        fen = int(Decimal(cleaned) * 100)
    except InvalidOperation:  # the pattern should make this unreachable
        raise MoneyError(f"{field}: not an amount", field) from None
    if fen > MAX_FEN:
        raise MoneyError(f"{field}: the amount is too large", field)
    return fen


def yuan(fen: int | None) -> str:
    """``1250`` -> ``"12.50"`` (for form inputs)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def format_money(fen: int | None, currency: str = "CNY") -> str:
    """``1250, "CNY"`` -> ``"¥12.50"``; unknown currencies get their code."""
    if fen is None:
        return ""
    symbol = SYMBOLS.get(currency)
    amount = yuan(fen)
    if amount.startswith("-"):
        return f"-{symbol or currency + ' '}{amount[1:]}"
    return f"{symbol}{amount}" if symbol else f"{currency} {amount}"


def short_money(fen: int, currency: str = "CNY") -> str:
    """Compact labels for chart axes: ``¥25``, ``¥12.50``, ``¥1.5万`` (exact, no floats)."""
    symbol = SYMBOLS.get(currency, "")
    if abs(fen) >= 1_000_000:  # 1万 yuan and up
        wan = (Decimal(fen) / 1_000_000).quantize(Decimal("0.1")).normalize()
        return f"{symbol}{wan:f}万"
    if fen % 100 == 0:
        return f"{symbol}{fen // 100}"
    return f"{symbol}{yuan(fen)}"
