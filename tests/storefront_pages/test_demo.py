"""``shequ demo``: a seeded demo platform in a folder, reused when run again.

The demo is SQLite by definition, so these tests run it in subprocesses: tortoise keeps
per-model query caches in the process, and a run on PostgreSQL must not share them with
an SQLite database.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.storefront_pages.conftest import CSRF

pytestmark = pytest.mark.slow
SHEQU = [sys.executable, "-m", "shequ.core.cli.main"]


def run_demo(folder: Path, *extra: str) -> str:
    done = subprocess.run(
        [*SHEQU, "demo", "--dir", str(folder), "--no-serve", *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def count(folder: Path, sql: str) -> int:
    with sqlite3.connect(folder / "demo.sqlite3") as db:
        return db.execute(sql).fetchone()[0]


def test_demo_creates_the_folder_once_and_reuses_it(tmp_path):
    folder = tmp_path / "demo"
    first = run_demo(folder)
    assert "created the demo platform" in first
    assert "30 on sale in 3 shops" in first
    accounts = json.loads((folder / "demo-accounts.json").read_text("utf-8"))
    for role in ("operator", "seller", "buyer"):
        assert f"{accounts[role + '_email']}  {accounts[role + '_password']}" in first
    assert (folder / "demo-accounts.json").stat().st_mode & 0o077 == 0  # owner only
    config = (folder / "shequ.toml").read_text("utf-8")
    assert 'mode = "multi"' in config and 'enabled = ["shipping"]' in config
    assert len(list((folder / "media").rglob("*.png"))) >= 30  # drawn, not downloaded
    assert count(folder, "select count(*) from shop") == 3
    assert count(folder, "select count(*) from category") == 10
    assert count(folder, "select count(*) from product where status = 'published'") == 30
    assert count(folder, "select count(*) from sku where typeof(price) != 'integer'") == 0
    tee_skus = "select count(*) from sku join product on product.id = sku.product_id"
    assert count(folder, tee_skus + " where product.title = '纯棉圆领T恤'") == 12  # 颜色 × 尺码
    second = run_demo(folder, "--port", "9123")
    assert "reusing the demo platform" in second and "30 on sale in 3 shops" in second
    assert accounts["seller_password"] in second  # the same accounts, not new ones
    assert "http://127.0.0.1:9123/admin" in second
    assert (folder / "shequ.toml").read_text("utf-8") == config  # left as it was
    assert count(folder, "select count(*) from product") == 30  # nothing seeded twice


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_until_up(http: aiohttp.ClientSession) -> None:
    """``serving`` is printed just before the port is bound."""
    for _ in range(200):
        try:
            async with http.get("/healthz") as answer:
                if answer.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("shequ demo did not start listening")


async def test_demo_serves_its_shops_and_the_seller_can_sign_in(tmp_path):
    folder, port = tmp_path / "demo", free_port()
    server = await asyncio.create_subprocess_exec(
        *SHEQU,
        "demo",
        "--dir",
        str(folder),
        "--port",
        str(port),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        banner = ""
        while "serving" not in banner:
            line = await asyncio.wait_for(server.stdout.readline(), 120)
            assert line, "shequ demo exited before serving"
            banner += line.decode()
        seller = re.search(r"seller\s+(\S+)\s+(\S+)", banner)
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(base, cookie_jar=jar) as http:
            await wait_until_up(http)
            async with http.get("/") as home:
                html = await home.text()
            assert home.status == 200
            for slug in ("xiaocheng-wear", "shanli-farm", "shouzuo-home"):
                assert f'<a href="/s/{slug}">' in html
            product = re.search(r'href="(/p/\d+)"', html).group(1)
            async with http.get(product) as page:
                html = await page.text()
            image = re.search(r'<img class="product-cover" src="([^"]+)"', html).group(1)
            async with http.get(image) as picture:
                assert picture.status == 200 and picture.content_type == "image/png"
            async with http.get("/admin/login") as login:
                token = CSRF.search(await login.text()).group(1)
            form = {"identifier": seller[1], "password": seller[2], "csrf_token": token}
            async with http.post("/admin/login", data=form, allow_redirects=False) as answer:
                assert answer.status == 303
            async with http.get("/admin", allow_redirects=False) as admin:
                assert admin.headers["Location"].startswith("/admin/shops/")
    finally:
        server.terminate()
        await server.wait()
