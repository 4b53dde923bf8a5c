"""Distribution cost per order against the size of the referral graph (PostgreSQL).

Builds its own database (created and dropped), bulk-loads customers in referral chains with
asyncpg COPY, and times, per order, at two graph sizes (default 10k and 1M customers):

- bind: a new customer opens a distributor's link (``bind_by_code``: code lookup, shop lock,
  the plugins' decision, the O(depth) cycle check, insert, history row);
- chain: ``snapshot_chain`` for a bound buyer (what placement adds to an order);
- plan: ``on_order_paid`` for a paid two-line order (plan, compliance guard, commissions,
  ledger entries, outbox rows), in one transaction;
- lookup: one indexed primary-key-like read (a customer's binding), for scale.

A fifth of the customers are distributors, bound in chains of ``--depth`` (the same at both
sizes, so a flat cost shows that nothing grows with the graph); the rest are buyers bound to
a random distributor.

    python benchmarks/distribution.py [--sizes 10000 1000000] [--samples 300] [--depth 8]

SHEQU_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names the server;
the benchmark works in a database of its own next to it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from shequ.core.config import settings_from_dict
from shequ.core.db.database import CORE_APPS, Database
from shequ.core.distribution.binding import bind_by_code
from shequ.core.distribution.chain import snapshot_chain
from shequ.core.distribution.codes import ALPHABET, LENGTH
from shequ.core.distribution.engine import on_order_paid
from shequ.core.distribution.models import Binding, Commission
from shequ.core.runtime import Runtime
from shequ.core.shops.scope import shop_scope

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
SHOP = 1


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


def code_for(n: int) -> str:
    """A unique referral code per distributor number (base 31, the codes' alphabet)."""
    digits = []
    for _ in range(LENGTH):
        n, r = divmod(n, len(ALPHABET))
        digits.append(ALPHABET[r])
    return "".join(reversed(digits))


class Graph:
    """Customers 1..size; every fifth is a distributor, in chains of ``depth``."""

    def __init__(self, depth: int, seed: int = 7):
        self.depth = depth
        self.random = random.Random(seed)
        self.distributors: list[int] = []  # customer ids
        self.loaded = 0

    def rows(self, upto: int, now: dt.datetime):
        customers, distributors, bindings = [], [], []
        for cid in range(self.loaded + 1, upto + 1):
            customers.append((cid, now, now, f"c{cid}", "", "active", ""))
            if cid % 5 == 0:
                k = len(self.distributors)
                distributors.append(
                    (k + 1, now, now, SHOP, cid, code_for(k), "active", None, "", None)
                )
                if k % self.depth:  # chained to the previous distributor
                    bindings.append((cid, self.distributors[-1]))
                self.distributors.append(cid)
            elif self.distributors:
                bindings.append((cid, self.random.choice(self.distributors)))
        self.loaded = upto
        binding_rows = [
            (cid, now, now, SHOP, cid, referrer, "link", now, 0) for cid, referrer in bindings
        ]
        return customers, distributors, binding_rows


async def bulk_load(url: str, graph: Graph, upto: int) -> float:
    started = time.perf_counter()
    customers, distributors, bindings = graph.rows(upto, dt.datetime.now(dt.UTC))
    conn = await asyncpg.connect(dsn(url))
    try:
        await conn.copy_records_to_table(
            "customer",
            records=customers,
            columns=[
                "id",
                "created_at",
                "updated_at",
                "nickname",
                "avatar_url",
                "status",
                "language",
            ],
        )
        await conn.copy_records_to_table(
            "distribution_distributor",
            records=distributors,
            columns=[
                "id",
                "created_at",
                "updated_at",
                "shop_id",
                "customer_id",
                "code",
                "status",
                "invited_by_id",
                "decided_by",
                "decided_at",
            ],
        )
        await conn.copy_records_to_table(
            "distribution_binding",
            records=bindings,
            columns=[
                "id",
                "created_at",
                "updated_at",
                "shop_id",
                "customer_id",
                "referrer_id",
                "source",
                "bound_at",
                "version",
            ],
        )
        for table in ("customer", "distribution_distributor", "distribution_binding"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}) + 10000000)"
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return time.perf_counter() - started


async def timed(samples: int, step: Callable[[int], Awaitable[object]]) -> list[float]:
    times = []
    for i in range(samples):
        started = time.perf_counter()
        await step(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def describe(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"{name:<8} p50 {statistics.median(ordered):7.3f} ms   p99 {p99:7.3f} ms"


async def new_customers(count: int) -> list[int]:
    from shequ.core.accounts.models import Customer

    return [(await Customer.create(nickname="bench")).id for _ in range(count)]


async def paid_order(runtime: Runtime, buyer: int) -> int:
    from tortoise.transactions import in_transaction

    from shequ.core.checkout.models import Checkout
    from shequ.core.orders.models import Order, OrderLine, OrderState
    from shequ.core.payments.models import Payment

    async with in_transaction():
        chain = await snapshot_chain(runtime, SHOP, buyer)
        checkout = await Checkout.create(customer_id=buyer, idempotency_key=uuid.uuid4().hex)
        payment = await Payment.create(
            customer_id=buyer, reference=uuid.uuid4().hex[:30], amount=30_000
        )
        with shop_scope(SHOP):
            order = await Order.create(
                number=uuid.uuid4().hex[:30],
                customer_id=buyer,
                checkout=checkout,
                payment=payment,
                subtotal=30_000,
                total=30_000,
                paid_amount=30_000,
                state=OrderState.PAID,
                referral_chain=chain,
            )
            for price in (10_000, 20_000):
                await OrderLine.create(
                    order=order,
                    product_id=1,
                    title="bench",
                    unit_price=price,
                    quantity=1,
                    line_subtotal=price,
                    line_total=price,
                )
    return order.id


async def measure(runtime: Runtime, graph: Graph, samples: int) -> list[str]:
    rng = random.Random(len(graph.distributors))
    codes = [code_for(rng.randrange(len(graph.distributors))) for _ in range(samples)]
    fresh = await new_customers(samples)
    bind = await timed(samples, lambda i: bind_by_code(runtime, fresh[i], codes[i]))
    buyers = [rng.randrange(1, graph.loaded + 1) for _ in range(samples)]
    buyers = [b for b in buyers if b % 5] or [1]
    chain = await timed(len(buyers), lambda i: snapshot_chain(runtime, SHOP, buyers[i]))
    orders = [await paid_order(runtime, fresh[i]) for i in range(samples)]
    plan = await timed(samples, lambda i: on_order_paid(runtime, SHOP, orders[i]))

    async def lookup(i: int) -> object:
        with shop_scope(SHOP):
            return await Binding.filter(customer_id=buyers[i % len(buyers)]).first()

    look = await timed(samples, lookup)
    with shop_scope(SHOP):
        paid = await Commission.filter(order_id__in=orders).count()
    assert paid >= samples, f"only {paid} commissions for {samples} referred orders"
    return [
        describe("bind", bind),
        describe("chain", chain),
        describe("plan", plan),
        describe("lookup", look),
    ]


async def main(args: argparse.Namespace) -> None:
    server = os.environ.get("SHEQU_BENCH_DATABASE_URL", DEFAULT_URL)
    name = f"shequ_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(dsn(server))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server, name)
    try:
        db = Database(url, list(CORE_APPS))
        await db.open()
        await db.migrate()
        await db.close()
        conn = await asyncpg.connect(dsn(url))
        now = dt.datetime.now(dt.UTC)
        await conn.execute(
            "INSERT INTO shop (id, created_at, updated_at, slug, name, status, notice, logo_url,"
            " theme_options) VALUES ($1, $2, $2, 'main', 'bench', 'active', '', '', '{}')",
            SHOP,
            now,
        )
        await conn.close()
        settings = settings_from_dict(
            {
                "database": {"url": url, "migrate_on_start": False},
                "plugins": {
                    "enabled": ["distribution"],
                    "distribution": {"levels": 2, "rates": [10, 5], "binding": "first"},
                },
            }
        )
        graph = Graph(args.depth)
        print(
            f"PostgreSQL {server.rsplit('@', 1)[-1]}; distributors in chains of {args.depth}; "
            f"{args.samples} samples each"
        )
        for size in sorted(args.sizes):
            seconds = await bulk_load(url, graph, size)
            runtime = Runtime(settings)
            async with runtime.running(run_jobs=False, migrate=False):
                lines = await measure(runtime, graph, args.samples)
            print(
                f"\n{size:,} customers ({len(graph.distributors):,} distributors), loaded in {seconds:.1f}s"
            )
            for line in lines:
                print("  " + line)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--depth", type=int, default=8)
    asyncio.run(main(parser.parse_args()))
