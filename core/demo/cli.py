"""``shequ demo [--dir demo-site] [--host HOST] [--port PORT]``: create (or reuse) a demo
platform in a folder and serve it. Kept light: nothing loads until the command runs."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_DIR = Path("demo-site")


class Demo:
    name = "demo"
    help = "create (or reuse) a demo platform with three shops in a folder, and serve it"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--dir", type=Path, default=DEFAULT_DIR, help="the demo folder (default demo-site)"
        )
        parser.add_argument("--host", default=None, help="listen on this address")
        parser.add_argument("--port", type=int, default=None, help="listen on this port")
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the folder and exit (for scripts)"
        )

    def __call__(self, args: argparse.Namespace) -> int:
        from shequ.core.cli.commands import build_runtime
        from shequ.core.config import load_settings
        from shequ.core.demo.site import ensure_config
        from shequ.core.logs import configure_logging

        folder: Path = args.dir
        config, created = ensure_config(folder)
        settings = for_this_run(load_settings(config), args.host, args.port)
        configure_logging(getattr(args, "log_level", None) or settings.logging.level)
        print(f"{'created' if created else 'reusing'} the demo platform in {folder.resolve()}")
        accounts, products = asyncio.run(prepare(build_runtime(settings), folder))
        print_summary(settings, accounts, products, config)
        if args.no_serve:
            return 0
        return serve(settings)


def for_this_run(settings, host: str | None, port: int | None):
    """``--host``/``--port`` win over the config for this run; links follow the port."""
    if host is None and port is None:
        return settings
    server = settings.server.model_copy(
        update={k: v for k, v in (("host", host), ("port", port)) if v is not None}
    )
    platform = settings.platform
    if port is not None:
        # The sandbox payment stays on a loopback base URL (it pays without money).
        platform = platform.model_copy(update={"base_url": f"http://127.0.0.1:{port}"})
    return settings.model_copy(update={"server": server, "platform": platform})


async def prepare(runtime, folder: Path):
    """Migrate, ensure the platform's first shop, and seed once. Returns the accounts (or
    ``None`` when the folder lost its accounts file) and the number of products on sale."""
    from shequ.core.catalog.models import Product, ProductStatus
    from shequ.core.demo.seed import read_accounts, seed
    from shequ.core.shops.models import Shop
    from shequ.core.shops.scope import ALL_SHOPS, shop_scope

    async with runtime.running(run_jobs=False, migrate=True):
        from shequ.core.demo.catalog import SHOPS

        if await Shop.exists(slug=SHOPS[0].slug) and read_accounts(folder) is None:
            accounts = None  # seeded before, but the passwords file was removed
        else:
            accounts = await seed(runtime, folder)
        with shop_scope(ALL_SHOPS):
            products = await Product.filter(status=ProductStatus.PUBLISHED).count()
    return accounts, products


def print_summary(settings, accounts, products: int, config: Path) -> None:
    base = settings.platform.base_url.rstrip("/")
    print(f"  config:   {config}")
    print(f"  products: {products} on sale in 3 shops")
    if accounts is None:
        print("  accounts: demo-accounts.json is gone; add one with `shequ createuser`")
        return
    print("  accounts (passwords are in demo-accounts.json too):")
    print(f"    operator  {accounts.operator_email}  {accounts.operator_password}   {base}/admin")
    print(
        f"    seller    {accounts.seller_email}  {accounts.seller_password}   "
        f"{base}/admin (owner of {accounts.seller_shop})"
    )
    print(f"    buyer     {accounts.buyer_email}  {accounts.buyer_password}   {base}/login")


def serve(settings) -> int:
    from aiohttp import web

    from shequ.core.app import create_app

    app = create_app(settings)
    host, port = settings.server.host, settings.server.port
    print(
        f"serving {settings.platform.name} on http://{host}:{port}/  (Ctrl+C to stop)", flush=True
    )
    web.run_app(app, host=host, port=port, print=None, access_log=log)
    return 0
