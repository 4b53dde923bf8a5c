"""The seller's functions: applications, distributors, ledger filters, queue, CSV exports."""

from __future__ import annotations

import csv
import io

from shequ.core.distribution import seller
from shequ.core.distribution.binding import bind_by_code
from shequ.core.distribution.enrollment import enroll
from shequ.core.distribution.ledger import settle_due
from shequ.core.distribution.withdrawals import request_withdrawal
from tests.core.distribution.factory import (
    active_distributor,
    complete,
    customer,
    main_shop,
    pay,
    place_order,
)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_applications_and_distributors_lists(make_dist):
    runtime = await make_dist(enrollment="approval")
    shop = await main_shop()
    first = await enroll(runtime, shop, await customer())
    second = await enroll(runtime, shop, await customer())
    assert [d.id for d in await seller.list_applications(shop)] == [first.id, second.id]
    await seller.approve_application(runtime, shop, first.id, "staff:1")
    assert [d.id for d in await seller.list_applications(shop)] == [second.id]
    assert [d.id for d in await seller.list_distributors(shop, "active")] == [first.id]


async def test_exports_relationships_and_commissions_as_csv_safe_for_spreadsheets(make_dist):
    runtime = await make_dist(rates=[10], settle_after_days=0, withdraw_min=100)
    shop = await main_shop()
    referrer = await active_distributor(shop, await customer('=HYPERLINK("http://evil")'))
    buyer = await customer("李四")
    await bind_by_code(runtime, buyer, referrer.code)
    order = await place_order(runtime, shop, buyer, [(10_000, 1)])
    await pay(runtime, order)
    relationships = rows(await seller.export_relationships_csv(shop))
    assert [(r["customer_nickname"], r["referrer_nickname"]) for r in relationships] == [
        ("李四", '\'=HYPERLINK("http://evil")')
    ]
    commissions = rows(await seller.export_commissions_csv(shop))
    assert [
        (c["order_number"], c["level"], c["base_amount"], c["amount"], c["owed"], c["state"])
        for c in commissions
    ] == [(order.number, "1", "10000", "1000", "1000", "pending")]
    await complete(runtime, order)
    await settle_due(runtime)
    w = await request_withdrawal(runtime, shop, referrer.customer_id, 600, "k")
    assert [x.id for x in await seller.withdrawal_queue(shop)] == [w.id]
    everything = await seller.ledger(shop, beneficiary_id=referrer.customer_id)
    assert len(everything) == 7  # earned, frozen (2), settled (2), withdraw requested (2)
    available = await seller.ledger(shop, bucket="available")
    assert sorted(e.amount for e in available) == [-600, 1_000]
    assert [e.kind for e in await seller.ledger(shop, kind="earned")] == ["earned"]
    await seller.approve_withdrawal(runtime, shop, w.id, "staff:1")
    assert await seller.withdrawal_queue(shop) == []
