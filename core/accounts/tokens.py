"""Bearer tokens for headless clients (a WeChat mini program). Only a SHA-256 is stored.

A token is random (256 bits), so a fast hash is enough: there is nothing to brute-force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from tortoise.expressions import Q

from shequ.core.accounts.models import ApiToken, Customer
from shequ.core.jobs.outbox import utcnow

TOKEN_DAYS = 30
PREFIX = "shq_"
# last_used_at is informative; writing it on every request would be a write per request.
_TOUCH_EVERY = dt.timedelta(hours=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(customer_id: int, label: str = "", days: int = TOKEN_DAYS) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    await ApiToken.create(
        customer_id=customer_id,
        token_hash=_hash(token),
        label=label[:64],
        expires_at=utcnow() + dt.timedelta(days=days),
    )
    return token


async def customer_for_token(token: str) -> Customer | None:
    """The active customer a live token belongs to; ``None`` if expired, revoked or unknown."""
    if not token.startswith(PREFIX) or len(token) > 128:
        return None
    row = await ApiToken.get_or_none(token_hash=_hash(token), revoked=False).select_related(
        "customer"
    )
    now = utcnow()
    if row is None or row.expires_at <= now or row.customer.status != "active":
        return None
    if row.last_used_at is None or row.last_used_at < now - _TOUCH_EVERY:
        await (
            ApiToken.filter(id=row.id)
            .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - _TOUCH_EVERY))
            .update(last_used_at=now)
        )
    return row.customer


async def revoke_token(token: str, customer_id: int | None = None) -> bool:
    """Revoke one token (only the given customer's, when ``customer_id`` is set)."""
    query = ApiToken.filter(token_hash=_hash(token), revoked=False)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    return await query.update(revoked=True) == 1


async def revoke_all_tokens(customer_id: int) -> int:
    """Revoke every live token of a customer (signing out all headless clients)."""
    return await ApiToken.filter(customer_id=customer_id, revoked=False).update(revoked=True)
