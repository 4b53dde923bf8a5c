"""Withdrawals: minimum, daily cap, balance, idempotency, approval and rejection, payouts."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from shequ.core.distribution.errors import Conflict, Forbidden, Invalid
from shequ.core.distribution.ledger import balances
from shequ.core.distribution.models import LedgerEntry, Withdrawal, WithdrawalChange
from shequ.core.distribution.payouts import PayoutResult
from shequ.core.distribution.withdrawals import (
    approve_withdrawal,
    reject_withdrawal,
    request_withdrawal,
)
from shequ.core.shops.scope import shop_scope
from tests import dbs
from tests.core.distribution.factory import active_distributor, customer, main_shop
from tests.core.distribution.invariants import assert_consistent


async def earn(shop: int, customer_id: int, amount: int) -> None:
    """Available money, written as the settlement would (commission-less, for these tests)."""
    with shop_scope(shop):
        await LedgerEntry.create(
            beneficiary_id=customer_id,
            bucket="available",
            amount=amount,
            currency="CNY",
            kind="settled",
        )


async def distributor_with(shop: int, amount: int) -> int:
    person = (await active_distributor(shop)).customer_id
    await earn(shop, person, amount)
    return person


async def test_requests_respect_minimum_balance_and_the_rolling_daily_cap(make_dist):
    runtime = await make_dist(withdraw_min=500, withdraw_daily_cap=3_000)
    shop = await main_shop()
    me = await distributor_with(shop, 10_000)
    with pytest.raises(Invalid) as small:
        await request_withdrawal(runtime, shop, me, 499, "a")
    assert small.value.field == "amount"
    with pytest.raises(Invalid):
        await request_withdrawal(runtime, shop, me, 3_001, "b")
    await request_withdrawal(runtime, shop, me, 2_000, "c")
    with pytest.raises(Invalid) as capped:
        await request_withdrawal(runtime, shop, me, 1_500, "d")
    assert "2000 fen already" in capped.value.message
    with shop_scope(shop):  # a day later the cap is free again
        await Withdrawal.all().update(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=25))
    await request_withdrawal(runtime, shop, me, 3_000, "e")
    poor = await distributor_with(shop, 600)
    with pytest.raises(Invalid) as broke:
        await request_withdrawal(runtime, shop, poor, 700, "f")
    assert "Only 600 fen is available" in broke.value.message
    assert await balances(shop, me) == {
        "pending": 0,
        "frozen": 0,
        "available": 5_000,
        "withdrawing": 5_000,
        "withdrawn": 0,
    }


async def test_a_repeated_request_key_returns_the_first_withdrawal(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    me = await distributor_with(shop, 5_000)
    first = await request_withdrawal(runtime, shop, me, 1_000, "key-1")
    again = await request_withdrawal(runtime, shop, me, 1_000, "key-1")
    assert first.id == again.id
    with pytest.raises(Conflict):
        await request_withdrawal(runtime, shop, me, 2_000, "key-1")
    assert (await balances(shop, me))["available"] == 4_000


async def test_only_distributors_withdraw(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    with pytest.raises(Forbidden):
        await request_withdrawal(runtime, shop, await customer(), 1_000, "x")


async def test_approval_pays_once_and_rejection_gives_the_money_back(make_dist):
    runtime = await make_dist()
    shop = await main_shop()
    me = await distributor_with(shop, 5_000)
    paid = await request_withdrawal(runtime, shop, me, 1_000, "paid")
    refused = await request_withdrawal(runtime, shop, me, 2_000, "refused")
    done = await approve_withdrawal(runtime, shop, paid.id, "staff:1")
    assert (done.state, done.provider, done.provider_ref) == (
        "paid",
        "manual",
        f"manual:{paid.reference}",
    )
    assert (await approve_withdrawal(runtime, shop, paid.id, "staff:1")).state == "paid"
    rejected = await reject_withdrawal(runtime, shop, refused.id, "staff:1", "账户信息有误")
    assert (rejected.state, rejected.reason) == ("rejected", "账户信息有误")
    with pytest.raises(Conflict):
        await approve_withdrawal(runtime, shop, refused.id, "staff:1")
    with pytest.raises(Conflict):
        await reject_withdrawal(runtime, shop, paid.id, "staff:1")
    assert await balances(shop, me) == {
        "pending": 0,
        "frozen": 0,
        "available": 4_000,
        "withdrawing": 0,
        "withdrawn": 1_000,
    }
    with shop_scope(shop):
        steps = await WithdrawalChange.filter(withdrawal_id=paid.id).order_by("id")
    assert [(s.from_state, s.to_state, s.actor) for s in steps] == [
        ("", "requested", f"customer:{me}"),
        ("requested", "paying", "staff:1"),
        ("paying", "paid", "staff:1"),
    ]
    await assert_consistent(shop)


class Flaky:
    code = "flaky"

    def __init__(self, results):
        self.results = list(results)
        self.calls = []

    async def pay(self, withdrawal):
        self.calls.append(withdrawal.reference)
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


async def test_a_failed_payout_returns_the_money_and_a_crash_retries_with_the_same_reference(
    make_dist,
):
    runtime = await make_dist()
    shop = await main_shop()
    me = await distributor_with(shop, 5_000)
    w = await request_withdrawal(runtime, shop, me, 1_000, "fails")
    failed = await approve_withdrawal(
        runtime, shop, w.id, "staff:1", Flaky([PayoutResult(False, "", "余额不足")])
    )
    assert (failed.state, failed.reason) == ("failed", "余额不足")
    assert (await balances(shop, me))["available"] == 5_000
    w2 = await request_withdrawal(runtime, shop, me, 1_000, "crash")
    with shop_scope(shop):  # as if an approval died after asking the provider
        await Withdrawal.filter(id=w2.id).update(state="paying", version=w2.version + 1)
    provider = Flaky([PayoutResult(True, "T-1")])
    assert (await approve_withdrawal(runtime, shop, w2.id, "staff:1", provider)).state == "paid"
    assert provider.calls == [w2.reference]
    assert (await balances(shop, me))["withdrawn"] == 1_000


@pytest.mark.skipif(not dbs.is_postgres(), reason="real concurrency needs PostgreSQL")
async def test_concurrent_requests_never_spend_more_than_is_available(make_dist):
    runtime = await make_dist(withdraw_min=100, withdraw_daily_cap=1_000_000)
    shop = await main_shop()
    me = await distributor_with(shop, 1_000)

    async def attempt(i):
        try:
            return await request_withdrawal(runtime, shop, me, 300, f"k{i}")
        except Invalid:
            return None

    results = await asyncio.gather(*(attempt(i) for i in range(20)))
    assert sum(r is not None for r in results) == 3
    assert (await balances(shop, me))["available"] == 100
    await assert_consistent(shop)
