"""Human-readable identifiers: order numbers (订单号) and payment references."""

from __future__ import annotations

import datetime as dt
import secrets


def order_number(now: dt.datetime) -> str:
    """``20240615`` + 10 random digits: readable over the phone, unguessable, unique in practice
    (the column is unique, so a collision fails loudly instead of mixing two orders)."""
    return f"{now:%Y%m%d}{secrets.randbelow(10**10):010d}"


def payment_reference(now: dt.datetime) -> str:
    """Sent to providers as out_trade_no: letters and digits only, at most 32 characters."""
    return f"P{now:%Y%m%d}{secrets.token_hex(8).upper()}"
