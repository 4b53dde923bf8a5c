"""Product-page requests per second: the real page beside a bare aiohttp handler.

The real page is ``GET /p/{id}`` through the whole app (middlewares, session, catalog
queries, reviews, share card, slots, the theme's template) on a seeded product, on SQLite
and on PostgreSQL. The bare handler is a plain ``aiohttp`` app with no middleware that
renders the same template with the same engine from in-memory data captured from that page.
Both servers run in one child process per database (so an SQLite and a PostgreSQL app never
share tortoise's process-wide state); this process is the load: ``--clients`` concurrent
connections over loopback, a bounded number of requests, best of ``--rounds`` alternated.

    python benchmarks/storefront.py [--requests 3000] [--clients 20] [--rounds 3]
        [--only sqlite|postgres]

PostgreSQL: ``SHEQU_BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/test)
names a server; the benchmark creates its own database there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/test"
SERVE = "--serve-one"


# -- the child: seed, then serve the real app and the bare handler -----------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def pg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


async def create_pg(server: str) -> str:
    """A new, empty database next to ``server``'s; returns its URL."""
    import asyncpg

    name = f"shequ_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(pg_dsn(server))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return with_database(server, name)


async def drop_pg(server: str, url: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(pg_dsn(server))
    try:
        name = urlsplit(url).path.lstrip("/")
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def seed(runtime) -> int:
    from shequ.core.catalog.products import add_image, create_category, create_product, publish
    from shequ.core.demo.images import initial_picture
    from shequ.core.shops.models import Shop

    shop = await Shop.create(slug="bench", name="小城服饰", notice="满 99 元包邮")
    category = await create_category(runtime, shop.id, "T恤")
    colours, sizes = ["白色", "黑色", "雾蓝"], ["S", "M", "L", "XL"]
    product = await create_product(
        runtime,
        shop.id,
        {
            "title": "纯棉圆领T恤",
            "subtitle": "新疆长绒棉，亲肤透气",
            "description": "<p>亲肤透气，机洗不变形。</p><ul><li>七天无理由退换</li></ul>",
            "category_id": category.id,
            "spec_attributes": [
                {"name": "颜色", "values": colours},
                {"name": "尺码", "values": sizes},
            ],
            "skus": [
                {
                    "code": f"T-{c}-{s}",
                    "specs": {"颜色": colour, "尺码": size},
                    "price": 5900 + 100 * s,
                    "stock": 50,
                }
                for c, colour in enumerate(colours)
                for s, size in enumerate(sizes)
            ],
        },
    )
    for colour in ("#f2f2f2", "#333333"):
        await add_image(runtime, product, initial_picture("纯", "T", colour), "t.png", "image/png")
    await publish(runtime, shop.id, product.id)
    return product.id


async def bare_app(runtime, product_id: int):
    """A plain aiohttp app rendering the product page's template from captured data."""
    from aiohttp import web

    from shequ.core.catalog.listing import product_detail
    from shequ.core.hooktypes import ShareCard
    from shequ.core.reputation.listing import product_reviews
    from shequ.core.shops.models import Shop
    from shequ.core.storefront.engine import storefront_of
    from shequ.core.storefront.pages.picker import build_picker

    storefront = storefront_of(runtime)
    product = await product_detail(runtime, product_id)
    shop = await Shop.get(id=product.shop_id)
    context = {
        **storefront.base_context(shop),
        "product": product,
        "picker": build_picker(product),
        "quantity": 1,
        "reviews": await product_reviews(runtime, product_id, 1, 5),
        "share": ShareCard(title=product.title, description=product.subtitle, link="/"),
        "flashes": [],
        "csrf_token": lambda: "token",
        "path": f"/p/{product_id}",
    }

    async def page(request: web.Request) -> web.Response:
        html = await storefront.render_template("product.html", context, language="zh_CN")
        return web.Response(text=html, content_type="text/html")

    app = web.Application()
    app.router.add_get("/p/{product_id}", page)
    return app


async def serve_one(kind: str) -> None:
    """Print the two URLs as JSON, serve until stdin closes, then clean up."""
    import logging

    from aiohttp import web

    from shequ.core.app import create_app
    from shequ.core.appkeys import RUNTIME
    from shequ.core.config import settings_from_dict

    logging.basicConfig(level=logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="shequ-bench-"))
    server = os.environ.get("SHEQU_BENCH_DATABASE_URL", DEFAULT_PG)
    url = f"sqlite://{folder / 'bench.sqlite3'}" if kind == "sqlite" else await create_pg(server)
    settings = settings_from_dict(
        {
            "platform": {"secret_key": "benchmark-secret-key-0123456789abcdef", "mode": "multi"},
            "database": {"url": url},
            "logging": {"level": "WARNING"},
        },
        base_dir=folder,
    )
    app = create_app(settings)
    runners = [web.AppRunner(app, access_log=None)]
    try:
        await runners[0].setup()
        app[RUNTIME].db.activate()
        product_id = await seed(app[RUNTIME])
        runners.append(web.AppRunner(await bare_app(app[RUNTIME], product_id), access_log=None))
        await runners[1].setup()
        ports = [free_port(), free_port()]
        for runner, port in zip(runners, ports, strict=True):
            await web.TCPSite(runner, "127.0.0.1", port).start()
        print(
            json.dumps(
                {
                    "real": f"http://127.0.0.1:{ports[0]}/p/{product_id}",
                    "bare": f"http://127.0.0.1:{ports[1]}/p/{product_id}",
                }
            ),
            flush=True,
        )
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        for runner in reversed(runners):
            await runner.cleanup()
        if kind == "postgres":
            await drop_pg(server, url)
        shutil.rmtree(folder, ignore_errors=True)


# -- the parent: the load ------------------------------------------------------------------------


async def hammer(url: str, requests: int, clients: int) -> float:
    """Requests per second for ``requests`` GETs over ``clients`` concurrent connections."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=clients)
    # Cookies are kept, as a browser keeps them: the session cookie is sent back.
    async with aiohttp.ClientSession(
        connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as session:
        async with session.get(url) as warm:
            body = await warm.text()
            assert warm.status == 200 and "纯棉圆领T恤" in body, (warm.status, body[:200])
        left = requests

        async def client() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                async with session.get(url) as answer:
                    await answer.read()
                    assert answer.status == 200, answer.status

        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        return requests / (time.perf_counter() - start)


async def measure(kind: str, args: argparse.Namespace) -> dict[str, float]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        SERVE,
        kind,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        urls = json.loads(await child.stdout.readline())
        for url in urls.values():  # warm both (template compiled, caches filled)
            await hammer(url, 200, args.clients)
        best = {"bare": 0.0, "real": 0.0}
        for _ in range(args.rounds):
            for name in ("bare", "real"):
                best[name] = max(best[name], await hammer(urls[name], args.requests, args.clients))
        return best
    finally:
        child.stdin.close()  # the child cleans up (and drops its database) and exits
        await asyncio.wait_for(child.wait(), 60)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == SERVE:
        asyncio.run(serve_one(sys.argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    kinds = [args.only] if args.only else ["sqlite", "postgres"]
    print(
        f"GET /p/{{id}}: {args.requests} requests, {args.clients} concurrent clients, best of {args.rounds}"
    )
    print(f"{'database':<10} {'bare req/s':>11} {'real req/s':>11} {'real/bare':>10}")
    for kind in kinds:
        result = asyncio.run(measure(kind, args))
        ratio = result["real"] / result["bare"]
        print(
            f"{kind:<10} {result['bare']:>11.0f} {result['real']:>11.0f} {ratio:>9.0%}", flush=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
