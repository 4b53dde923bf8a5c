"""examples/theme_example: a custom theme that extends the default one without copying it."""

from __future__ import annotations

import re
from pathlib import Path

from shequ.core.appkeys import RUNTIME
from shequ.core.storefront.check import check_theme
from shequ.core.storefront.engine import storefront_of

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "theme_example"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
PRODUCT = {
    "id": 1,
    "title": "赣南脐橙",
    "min_price": 4990,
    "currency": "CNY",
    "description_html": "<p>甜</p>",
    "sales_count": 12,
}


def example_app(make_app, **options):
    return make_app({"theme": {"path": str(EXAMPLE), "options": options}})


async def test_overridden_block_shows_and_the_rest_is_the_default_page(make_app):
    storefront = storefront_of(example_app(make_app)[RUNTIME])
    html = await storefront.render_template("product.html", {"product": PRODUCT})
    badge = html.index('<p class="badge">产地直发</p>')
    price = html.index('<p class="price">¥49.90</p>')
    assert badge < price  # the new block keeps the parent's price through super()
    assert '<h1 class="product-title">赣南脐橙</h1>' in html  # untouched default blocks
    assert "加入购物车" in html
    english = await storefront.render_template("product.html", {"product": PRODUCT}, language="en")
    assert '<p class="badge">Fresh from the farm</p>' in english


async def test_theme_setting_changes_the_badge(make_app):
    storefront = storefront_of(example_app(make_app, badge_text="今日现摘 <新>")[RUNTIME])
    html = await storefront.render_template("product.html", {"product": PRODUCT})
    assert '<p class="badge">今日现摘 &lt;新&gt;</p>' in html


async def test_untouched_pages_fall_back_to_default(aiohttp_client, make_app):
    client = await aiohttp_client(example_app(make_app))
    html = await (await client.get("/")).text()
    assert "<h2>商品</h2>" in html  # the default home page, with the default catalog
    links = STYLESHEET.findall(html)
    assert links[0].startswith("/static/t/default/css/site.")
    assert links[1].startswith("/static/t/example/css/example.")
    # Its own stylesheet is served; its colours reach the page.
    assert (await client.get(links[1])).status == 200
    options_css = await (await client.get(links[2])).text()
    assert "--brand-color: #2e7d32;" in options_css
    assert "--accent-color: #8bc34a;" in options_css
    storefront = storefront_of(client.app[RUNTIME])
    assert storefront.env.get_template("cart.html").filename.endswith("default/templates/cart.html")


async def test_added_page_renders(aiohttp_client, make_app):
    client = await aiohttp_client(example_app(make_app))
    response = await client.get("/pages/about")
    assert response.status == 200
    html = await response.text()
    assert "<h1>关于我们</h1>" in html
    assert "发货当天采摘" in html
    english = await (await client.get("/pages/about?lang=en")).text()
    assert "<h1>About us</h1>" in english
    assert (await client.get("/pages/contact")).status == 404


async def test_default_theme_has_no_about_page(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    assert (await client.get("/pages/about")).status == 404


def test_example_passes_theme_check():
    assert [str(p) for p in check_theme(EXAMPLE)] == []
