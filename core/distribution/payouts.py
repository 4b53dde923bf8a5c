"""How an approved withdrawal reaches the distributor. Manual now; WeChat Pay transfer later.

A provider must be idempotent by ``withdrawal.reference``: an approval interrupted after the
transfer is retried with the same reference and must not pay twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shequ.core.distribution.models import Withdrawal


@dataclass(frozen=True)
class PayoutResult:
    ok: bool
    reference: str = ""
    message: str = ""


class PayoutProvider(Protocol):
    code: str

    async def pay(self, withdrawal: Withdrawal) -> PayoutResult: ...


class ManualPayout:
    """The seller transfers the money outside Shequ, then approves here."""

    code = "manual"

    async def pay(self, withdrawal: Withdrawal) -> PayoutResult:
        return PayoutResult(True, f"manual:{withdrawal.reference}")
