"""The buying path in a real browser (Debian's chromium at 375 px, through Playwright).

A buyer browses the platform, opens a shop, picks a SKU, adds it to the cart, signs up,
checks out with the sandbox payment and sees the paid order; the seller signs in to the
admin and ships it; the buyer sees it shipped and confirms receipt. A screenshot of every
page lands in ``test-artifacts/screenshots/``.

Skipped when chromium or the playwright package is missing, unless ``SHEQU_REQUIRE_BROWSER=1``
(CI) makes that a failure. ``playwright install`` is never needed: Debian's chromium is used.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest
from aiohttp import web

from shequ.core.accounts.service import OWNER, grant_role, register
from shequ.core.appkeys import RUNTIME
from shequ.core.orders.models import Order, OrderState
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.storefront_pages.conftest import make_category, make_product

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
SELLER = ("seller@shequ.test", "seller-pass-123")
BUYER = ("buyer@shequ.test", "buyer-pass-123")


def browser_or_skip():
    """The playwright module, or a skip (a failure when the browser is required)."""
    required = os.environ.get("SHEQU_REQUIRE_BROWSER") == "1"
    problem = None
    try:
        from playwright import async_api
    except ImportError:
        async_api, problem = (
            None,
            "the playwright package is not installed (pip install -e '.[test]')",
        )
    if problem is None and not CHROMIUM.is_file():
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    if problem is not None:
        if required:
            pytest.fail(f"SHEQU_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    return async_api


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def server(make_app):
    """The app served on a real loopback port, in this test's event loop."""
    app = make_app({"platform": {"mode": "multi"}, "plugins": {"enabled": ["shipping"]}})
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    app[RUNTIME].db.activate()
    try:
        yield app, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def seed(runtime) -> Shop:
    shop = await Shop.create(slug="xiaocheng", name="小城服饰", notice="满 99 元包邮")
    tees = await make_category(runtime, shop, "T恤")
    await make_product(
        runtime,
        shop,
        title="纯棉圆领T恤",
        subtitle="新疆长绒棉",
        specs={"颜色": ["白色", "蓝色"], "尺码": ["M", "L"]},
        price=5900,
        stock=20,
        image=True,
        featured=True,
        category_id=tees.id,
        description="<p>亲肤透气，机洗不变形。</p>",
    )
    seller = await register("email", SELLER[0], SELLER[1], "店主")
    await grant_role(seller, OWNER, shop.id)
    return shop


async def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


async def test_buyer_buys_seller_ships_buyer_sees_it(server):
    async_api = browser_or_skip()
    app, base = server
    shop = await seed(app[RUNTIME])
    async with async_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            buyer = await browser.new_context(viewport=PHONE, locale="zh-CN", base_url=base)
            page = await buyer.new_page()
            page.set_default_timeout(15_000)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            # Browse: the platform's home, the shop, the product.
            await page.goto("/")
            await async_api.expect(page.locator(".featured")).to_contain_text("纯棉圆领T恤")
            await shot(page, "01-platform-home")
            await page.click(f'a[href="/s/{shop.slug}"]')
            await async_api.expect(page.locator("h1.shop-name")).to_have_text("小城服饰")
            await shot(page, "02-shop-home")
            await page.click("text=纯棉圆领T恤")
            await async_api.expect(page.locator("h1.product-title")).to_have_text("纯棉圆领T恤")
            await shot(page, "03-product")

            # Pick a SKU: the enhancement shows its price and stock.
            await page.click('label.spec-choice:has-text("蓝色")')
            await page.click('label.spec-choice:has-text("L")')
            await async_api.expect(page.locator(".chosen-variant")).to_contain_text("¥62.00")
            await shot(page, "04-sku-picked")
            await page.click('button:has-text("加入购物车")')
            await async_api.expect(page.locator(".flash-ok")).to_have_text("已加入购物车。")

            # The cart, then sign up on the way to checkout.
            await page.click('.tabbar a[href="/cart"]')
            await async_api.expect(page.locator(".line-specs")).to_have_text("蓝色 / L")
            await shot(page, "05-cart")
            await page.click('a:has-text("去结算")')
            await page.wait_for_url(re.compile(r"/login\?next=/checkout$"))
            await shot(page, "06-login")
            await page.click('a:has-text("注册账号")')
            await page.fill('input[name="identifier"]', BUYER[0])
            await page.fill('input[name="nickname"]', "小买家")
            await page.fill('input[name="password"]', BUYER[1])
            await page.fill('input[name="password_again"]', BUYER[1])
            await shot(page, "07-register")
            await page.click('button:has-text("注册账号")')
            await page.wait_for_url(re.compile(r"/checkout$"))
            await async_api.expect(page.locator(".breakdown").first).to_contain_text("运费")

            # Checkout with a new address, and pay in the sandbox.
            await page.fill('input[name="recipient"]', "张三")
            await page.fill('input[name="phone"]', "13800138000")
            await page.fill('input[name="province"]', "浙江省")
            await page.fill('input[name="city"]', "杭州市")
            await page.fill('input[name="district"]', "西湖区")
            await page.fill('input[name="detail"]', "文三路 100 号")
            await shot(page, "08-checkout")
            await page.click('button:has-text("立即支付")')
            await page.wait_for_url(re.compile(r"/pay/sandbox/P[0-9A-Z]+$"))
            await shot(page, "09-sandbox-cashier")
            await page.click('button:has-text("Pay")')
            await async_api.expect(page.locator("#state")).to_have_text("succeeded")
            await shot(page, "10-sandbox-paid")

            # The paid order, waiting for the seller.
            await page.goto("/orders")
            await async_api.expect(page.locator(".order-card .order-state")).to_have_text("待发货")
            await shot(page, "11-orders")
            await page.click(".order-card a")
            await async_api.expect(page.locator(".order-status")).to_have_text("待发货")
            await shot(page, "12-order-paid")
            number = page.url.rsplit("/", 1)[1]

            # The seller signs in to the admin and ships it.
            seller = await browser.new_context(viewport=PHONE, locale="zh-CN", base_url=base)
            admin = await seller.new_page()
            admin.set_default_timeout(15_000)
            await admin.goto("/admin/login")
            await admin.fill('input[name="identifier"]', SELLER[0])
            await admin.fill('input[name="password"]', SELLER[1])
            await admin.click('button:has-text("登录")')
            await admin.wait_for_url(re.compile(rf"/admin/shops/{shop.id}/$"))
            await shot(admin, "13-admin-dashboard")
            await admin.goto(f"/admin/shops/{shop.id}/orders")
            await admin.click(f'a:has-text("{number}")')
            await admin.fill('input[name="carrier"]', "顺丰速运")
            await admin.fill('input[name="tracking_number"]', "SF1234567890")
            await admin.click('form[action$="/ship"] button')
            await async_api.expect(admin.locator("#shipments")).to_contain_text("SF1234567890")
            await shot(admin, "14-admin-shipped")

            # The buyer sees it shipped, and confirms receipt.
            await page.reload()
            await async_api.expect(page.locator(".order-status")).to_have_text("已发货")
            await async_api.expect(page.locator(".shipments")).to_contain_text("SF1234567890")
            await shot(page, "15-order-shipped")
            await page.click('button:has-text("确认收货")')
            await async_api.expect(page.locator(".order-status")).to_have_text("已完成")
            await shot(page, "16-order-completed")
            assert errors == []
        finally:
            await browser.close()
    with shop_scope(ALL_SHOPS):
        order = await Order.get(number=number)
    assert order.state == OrderState.COMPLETED
    assert order.total == 6200 + 1000  # 蓝色 L, with shipping under 99.00
