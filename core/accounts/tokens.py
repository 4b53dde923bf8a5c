"""Bearer tokens for headless clients. Only a SHA-256 of the token is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from shequ.core.accounts.models import ApiToken, Customer
from shequ.core.jobs.outbox import utcnow

TOKEN_DAYS = 30


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(customer_id: int, label: str = "", days: int = TOKEN_DAYS) -> str:
    token = "shq_" + secrets.token_urlsafe(32)
    await ApiToken.create(
        customer_id=customer_id,
        token_hash=_hash(token),
        label=label,
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    return token


async def customer_for_token(token: str) -> Customer | None:
    row = await ApiToken.get_or_none(token_hash=_hash(token), revoked=False).select_related(
        "customer"
    )
    if row is None or row.expires_at <= utcnow() or row.customer.status != "active":
        return None
    return row.customer


async def revoke_token(token: str) -> bool:
    return await ApiToken.filter(token_hash=_hash(token)).update(revoked=True) == 1
