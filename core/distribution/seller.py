"""The seller's side, as plain async functions the admin calls (each takes the shop id).

Applications, distributors, the ledger with filters, the withdrawal queue, and CSV exports
of relationships and commissions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from shequ.core.distribution.enrollment import (
    approve_application,
    invite_customer,
    reinstate_distributor,
    reject_application,
    suspend_distributor,
)
from shequ.core.distribution.models import (
    Binding,
    Commission,
    Distributor,
    DistributorStatus,
    LedgerEntry,
    Withdrawal,
    WithdrawalState,
)
from shequ.core.distribution.withdrawals import approve_withdrawal, reject_withdrawal
from shequ.core.shops.scope import shop_scope

__all__ = [
    "approve_application",
    "approve_withdrawal",
    "export_commissions_csv",
    "export_relationships_csv",
    "invite_customer",
    "ledger",
    "list_applications",
    "list_distributors",
    "reinstate_distributor",
    "reject_application",
    "reject_withdrawal",
    "suspend_distributor",
    "withdrawal_queue",
]


async def list_applications(shop_id: int) -> list[Distributor]:
    """Pending applications, oldest first."""
    with shop_scope(shop_id):
        return await Distributor.filter(status=DistributorStatus.PENDING).order_by("id")


async def list_distributors(shop_id: int, status: str | None = None) -> list[Distributor]:
    with shop_scope(shop_id):
        query = Distributor.all() if status is None else Distributor.filter(status=status)
        return await query.order_by("id")


async def ledger(
    shop_id: int,
    *,
    beneficiary_id: int | None = None,
    bucket: str | None = None,
    kind: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[LedgerEntry]:
    """Ledger entries, newest first, filtered by distributor, bucket, kind and time."""
    filters: dict[str, Any] = {}
    if beneficiary_id is not None:
        filters["beneficiary_id"] = beneficiary_id
    if bucket is not None:
        filters["bucket"] = bucket
    if kind is not None:
        filters["kind"] = kind
    if since is not None:
        filters["created_at__gte"] = since
    if until is not None:
        filters["created_at__lt"] = until
    with shop_scope(shop_id):
        return await LedgerEntry.filter(**filters).order_by("-id").offset(offset).limit(limit)


async def withdrawal_queue(
    shop_id: int, state: str = WithdrawalState.REQUESTED
) -> list[Withdrawal]:
    """Withdrawals waiting for the seller (oldest first)."""
    with shop_scope(shop_id):
        return await Withdrawal.filter(state=state).order_by("id")


def _cell(value: Any) -> Any:
    # Nicknames are typed by customers: keep spreadsheets from running them as formulas.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


async def export_relationships_csv(shop_id: int) -> str:
    """Every binding: customer, referrer, how and when (UTF-8; add a BOM for Excel)."""
    with shop_scope(shop_id):
        rows = (
            await Binding.all()
            .order_by("id")
            .values(
                "customer_id",
                "customer__nickname",
                "referrer_id",
                "referrer__nickname",
                "source",
                "bound_at",
            )
        )
    return _csv(
        [
            "customer_id",
            "customer_nickname",
            "referrer_id",
            "referrer_nickname",
            "source",
            "bound_at",
        ],
        (
            [
                r["customer_id"],
                r["customer__nickname"],
                r["referrer_id"],
                r["referrer__nickname"],
                r["source"],
                r["bound_at"].isoformat(),
            ]
            for r in rows
        ),
    )


async def export_commissions_csv(shop_id: int) -> str:
    """Every commission with its explanation: order, line, level, base, rate, amounts, state."""
    with shop_scope(shop_id):
        rows = (
            await Commission.all()
            .order_by("id")
            .values(
                "id",
                "order_id",
                "order__number",
                "order_line_id",
                "beneficiary_id",
                "level",
                "base_amount",
                "rate_percent",
                "amount",
                "reversed_amount",
                "currency",
                "state",
                "rule",
                "plugin",
                "created_at",
                "settle_at",
            )
        )
    return _csv(
        [
            "commission_id",
            "order_id",
            "order_number",
            "order_line_id",
            "beneficiary_id",
            "level",
            "base_amount",
            "rate_percent",
            "amount",
            "reversed_amount",
            "owed",
            "currency",
            "state",
            "rule",
            "plugin",
            "created_at",
            "settle_at",
        ],
        (
            [
                r["id"],
                r["order_id"],
                r["order__number"],
                r["order_line_id"],
                r["beneficiary_id"],
                r["level"],
                r["base_amount"],
                r["rate_percent"],
                r["amount"],
                r["reversed_amount"],
                r["amount"] - r["reversed_amount"],
                r["currency"],
                r["state"],
                r["rule"],
                r["plugin"],
                r["created_at"].isoformat(),
                r["settle_at"].isoformat() if r["settle_at"] else "",
            ]
            for r in rows
        ),
    )
