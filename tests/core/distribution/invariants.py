"""Ledger invariants checked against the rows, independently of the engine's own sums."""

from __future__ import annotations

from collections import defaultdict

from shequ.core.distribution.ledger import BUCKET_OF, balances
from shequ.core.distribution.models import (
    Bucket,
    Commission,
    CommissionState,
    LedgerEntry,
    Withdrawal,
    WithdrawalState,
)
from shequ.core.shops.scope import shop_scope

WITHDRAWAL_BUCKET = {
    WithdrawalState.REQUESTED: Bucket.WITHDRAWING,
    WithdrawalState.PAYING: Bucket.WITHDRAWING,
    WithdrawalState.PAID: Bucket.WITHDRAWN,
}


async def assert_consistent(shop_id: int) -> None:
    """Every commission's entries put exactly what it still owes in its state's bucket; every
    withdrawal's entries sum to zero and hold its amount where its state says; each balance
    is the sum of the entries."""
    with shop_scope(shop_id):
        commissions = await Commission.all()
        withdrawals = await Withdrawal.all()
        entries = await LedgerEntry.all()
    by_commission: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_withdrawal: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    expected: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in entries:
        assert e.commission_id is None or e.withdrawal_id is None
        target = (
            by_commission[e.commission_id] if e.commission_id else by_withdrawal[e.withdrawal_id]
        )
        target[e.bucket] += e.amount
        expected[e.beneficiary_id][e.bucket] += e.amount
    for c in commissions:
        assert 0 <= c.reversed_amount <= c.amount, c
        held = {b: v for b, v in by_commission[c.id].items() if v}
        if c.state == CommissionState.REVERSED:
            assert c.owed == 0 and held == {}, (c.id, held)
        else:
            assert held == ({BUCKET_OF[c.state]: c.owed} if c.owed else {}), (c.id, c.state, held)
    for w in withdrawals:
        held = {b: v for b, v in by_withdrawal[w.id].items() if v}
        if w.state in WITHDRAWAL_BUCKET:
            assert held == {Bucket.AVAILABLE: -w.amount, WITHDRAWAL_BUCKET[w.state]: w.amount}
        else:
            assert held == {}, (w.id, w.state, held)
    for beneficiary_id, buckets in expected.items():
        got = await balances(shop_id, beneficiary_id)
        assert got == {b: buckets.get(b, 0) for b in Bucket.ALL}
