"""Checkout throughput over HTTP against the raw SQL limit, on PostgreSQL.

In one run, on a database of its own (created, then dropped):

- seed 1,000 SKUs and one customer per order to place, each with a bearer token and a cart
  line (bulk inserts through the ORM; not timed);
- serve the real app (``create_app``; the built-in shipping plugin enabled) with
  ``web.AppRunner`` + ``TCPSite`` on 127.0.0.1 and a random port, and drive ``POST
  /api/v1/checkout`` with 50 concurrent clients until every order is placed: orders/s;
- with asyncpg and 50 connections, do the irreducible SQL of an order the same number of
  times: in one transaction, the conditional stock update, the order insert and the order
  line insert: orders/s;
- print both and the ratio (target: HTTP >= 10% of raw).

    SHEQU_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        python benchmarks/checkout.py [--orders 2000] [--clients 50]

Loopback only; bounded by ``--orders`` and a timeout per request.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import os
import random
import secrets
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
from aiohttp import web

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test"
SKUS = 1000
ADDRESS = {
    "recipient": "张三",
    "phone": "13800000000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园1号",
}


def with_database(url: str, name: str, query: str = "") -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", query, ""))


def asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1].split("?", 1)[0]


async def admin(base: str, sql: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(base))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def seed(runtime, orders: int) -> list[str]:
    """SKUs with plenty of stock; per order a customer, a token and a one-line cart."""
    from shequ.core.accounts.models import ApiToken, Customer
    from shequ.core.catalog.models import Product, ProductStatus, Sku
    from shequ.core.checkout.models import Cart, CartLine
    from shequ.core.shops.models import Shop
    from shequ.core.shops.scope import shop_scope

    shop = await Shop.get(slug="main")
    with shop_scope(shop.id):
        await Product.bulk_create(
            [
                Product(shop_id=shop.id, title=f"商品{i}", status=ProductStatus.PUBLISHED)
                for i in range(SKUS)
            ]
        )
        products = await Product.all().order_by("id").values_list("id", flat=True)
        await Sku.bulk_create(
            [
                Sku(
                    shop_id=shop.id,
                    product_id=pid,
                    code=f"B{i}",
                    price=500 + i,
                    stock=1_000_000,
                    specs={},
                )
                for i, pid in enumerate(products)
            ]
        )
        sku_ids = await Sku.all().order_by("id").values_list("id", flat=True)
    await Customer.bulk_create([Customer(nickname=f"b{i}") for i in range(orders)])
    customers = await Customer.all().order_by("id").values_list("id", flat=True)
    now = dt.datetime.now(dt.UTC)
    tokens = ["shq_" + secrets.token_urlsafe(32) for _ in customers]
    await ApiToken.bulk_create(
        [
            ApiToken(
                customer_id=cid,
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                expires_at=now + dt.timedelta(days=1),
                last_used_at=now,  # steady state: tokens in use are not re-stamped
            )
            for cid, token in zip(customers, tokens, strict=True)
        ]
    )
    await Cart.bulk_create([Cart(customer_id=cid) for cid in customers])
    carts = await Cart.all().order_by("id").values_list("id", flat=True)
    rng = random.Random(7)
    await CartLine.bulk_create(
        [
            CartLine(cart_id=cart, sku_id=rng.choice(sku_ids), shop_id=shop.id, quantity=1)
            for cart in carts
        ]
    )
    return tokens


async def drive_http_from_another_process(
    port: int, tokens: list[str], clients: int
) -> tuple[float, int]:
    """Run the HTTP clients in a separate process, so they do not share the server's CPU."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(tokens, handle)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--drive",
            str(port),
            "--tokens",
            handle.name,
            "--clients",
            str(clients),
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(process.communicate(), timeout=600)
    finally:
        os.unlink(handle.name)
    if process.returncode != 0:
        raise SystemExit(f"the client process failed ({process.returncode})")
    result = json.loads(out)
    return result["elapsed"], result["placed"]


async def drive_http(port: int, tokens: list[str], clients: int) -> tuple[float, int]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for token in tokens:
        queue.put_nowait(token)
    url = f"http://127.0.0.1:{port}/api/v1/checkout"
    statuses: dict[int, int] = {}

    async def client(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            token = queue.get_nowait()
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
            async with session.post(url, json={"address": ADDRESS}, headers=headers) as answer:
                await answer.read()
                statuses[answer.status] = statuses.get(answer.status, 0) + 1

    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*[client(session) for _ in range(clients)])
        elapsed = time.perf_counter() - start
    if set(statuses) != {201}:
        raise SystemExit(f"unexpected answers: {statuses}")
    return elapsed, statuses[201]


async def drive_raw(url: str, orders: int, clients: int) -> float:
    """The same essential writes as a checkout, as plain SQL in one transaction each."""
    pool = await asyncpg.create_pool(asyncpg_dsn(url), min_size=clients, max_size=clients)
    try:
        async with pool.acquire() as conn:
            sku_ids = [r["id"] for r in await conn.fetch("SELECT id FROM sku ORDER BY id")]
            shop_id = await conn.fetchval("SELECT id FROM shop ORDER BY id LIMIT 1")
            customer = await conn.fetchval("SELECT id FROM customer ORDER BY id LIMIT 1")
            checkout = await conn.fetchval(
                "INSERT INTO checkout (created_at, updated_at, customer_id, idempotency_key,"
                " request_hash) VALUES (now(), now(), $1, 'raw-bench', '') RETURNING id",
                customer,
            )
        address = json.dumps(ADDRESS, ensure_ascii=False)
        remaining = iter(range(orders))
        rng = random.Random(11)

        async def worker() -> None:
            async with pool.acquire() as conn:
                for n in remaining:
                    sku = rng.choice(sku_ids)
                    async with conn.transaction():
                        taken = await conn.execute(
                            "UPDATE sku SET stock = stock - 1 WHERE id = $1 AND stock >= 1", sku
                        )
                        assert taken == "UPDATE 1"
                        order_id = await conn.fetchval(
                            "INSERT INTO shop_order (created_at, updated_at, shop_id, number,"
                            " customer_id, checkout_id, state, currency, subtotal,"
                            " adjustments_total, total, paid_amount, refunded_amount,"
                            " shipping_address, buyer_note, referral_chain, expires_at)"
                            " VALUES (now(), now(), $1, $2, $3, $4, 'pending_payment', 'CNY',"
                            " 500, 1000, 1500, 0, 0, $5, '', '[]',"
                            " now() + interval '30 minutes') RETURNING id",
                            shop_id,
                            f"R{n:012d}",
                            customer,
                            checkout,
                            address,
                        )
                        await conn.execute(
                            "INSERT INTO order_line (created_at, updated_at, shop_id, order_id,"
                            " sku_id, product_id, title, specs, unit_price, quantity,"
                            " line_subtotal, line_adjustments, line_total, refunded_amount,"
                            " refunded_quantity) VALUES (now(), now(), $1, $2, $3, 0, '商品',"
                            " '{}', 500, 1, 500, 0, 500, 0, 0)",
                            shop_id,
                            order_id,
                            sku,
                        )

        start = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(clients)])
        return time.perf_counter() - start
    finally:
        await pool.close()


async def main(orders: int, clients: int) -> None:
    from shequ.core.app import create_app
    from shequ.core.appkeys import RUNTIME
    from shequ.core.config import settings_from_dict

    base = os.environ.get("SHEQU_BENCH_DATABASE_URL", DEFAULT_URL)
    name = f"shequ_bench_checkout_{uuid.uuid4().hex[:8]}"
    await admin(base, f'CREATE DATABASE "{name}"')
    url = with_database(base, name)
    runner = None
    try:
        settings = settings_from_dict(
            {
                "platform": {"secret_key": secrets.token_urlsafe(32)},
                # The ORM's pool as large as the number of clients, like the raw side's.
                "database": {"url": with_database(base, name, f"maxsize={clients}")},
                "plugins": {"enabled": ["shipping"]},
                "logging": {"level": "WARNING"},
            },
            base_dir=Path(__file__).parent,
        )
        app = create_app(settings, run_jobs=False)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()  # starts the runtime: migrations, default shop
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        runtime = app[RUNTIME]
        runtime.db.activate()
        print(f"seeding {SKUS} SKUs and {orders} buyers with carts ...", flush=True)
        tokens = await seed(runtime, orders)

        elapsed, placed = await drive_http_from_another_process(port, tokens, clients)
        http_rate = placed / elapsed
        print(
            f"HTTP checkout: {placed} orders in {elapsed:.2f}s = {http_rate:,.0f} orders/s "
            f"({clients} concurrent clients)"
        )
        await runner.cleanup()
        runner = None

        raw_elapsed = await drive_raw(url, orders, clients)
        raw_rate = orders / raw_elapsed
        print(
            f"raw SQL (asyncpg): {orders} orders in {raw_elapsed:.2f}s = "
            f"{raw_rate:,.0f} orders/s ({clients} connections)"
        )
        ratio = http_rate / raw_rate
        print(f"ratio: {ratio:.1%} of the raw limit (target >= 10%)")

        conn = await asyncpg.connect(asyncpg_dsn(url))
        try:
            negative = await conn.fetchval("SELECT count(*) FROM sku WHERE stock < 0")
            made = await conn.fetchval("SELECT count(*) FROM shop_order")
        finally:
            await conn.close()
        assert negative == 0 and made == 2 * orders, (negative, made)
    finally:
        if runner is not None:
            await runner.cleanup()
        await admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--drive", type=int, help=argparse.SUPPRESS)  # the client process
    parser.add_argument("--tokens", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.drive:
        tokens = json.loads(Path(args.tokens).read_text())
        elapsed, placed = asyncio.run(drive_http(args.drive, tokens, args.clients))
        print(json.dumps({"elapsed": elapsed, "placed": placed}))
        sys.exit(0)
    if not 1 <= args.orders <= 100_000 or not 1 <= args.clients <= 200:
        sys.exit("--orders 1..100000, --clients 1..200")
    asyncio.run(main(args.orders, args.clients))
