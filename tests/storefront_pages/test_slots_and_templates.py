"""Plugin slot content on the real pages, and every template of the default theme renders
without page data in every language (a theme author's page may get none)."""

from __future__ import annotations

import pytest

from shequ.core.appkeys import RUNTIME
from shequ.core.hooktypes import SlotContent
from shequ.core.storefront.check import REQUIRED_LANGUAGES
from shequ.core.storefront.engine import storefront_of
from shequ.core.storefront.themes import builtin_themes_dir
from tests.storefront_pages.conftest import first_sku, make_product, make_shop, paid_order, plugin

TEMPLATES = sorted(
    path.relative_to(builtin_themes_dir() / "default" / "templates").as_posix()
    for path in (builtin_themes_dir() / "default" / "templates").rglob("*.html")
)


def filler(name: str):
    def shequ_slot(name, context):
        if name == "product.after_price":
            return SlotContent('<p class="group-price">拼团价 ¥9.90</p>', safe=True)
        if name == "cart.summary":
            return "<b>满99包邮</b>"  # plain text: escaped
        if name == "checkout.before_pay":
            return SlotContent("<em>请核对地址</em>")  # not marked safe: escaped
        if name == "order.detail":
            return SlotContent('<div id="tracking">物流</div>', safe=True)
        if name == "account.menu":
            return SlotContent('<li><a href="/p/points/">我的积分</a></li>', safe=True)
        if name == "header":
            return SlotContent('<span class="badge">新</span>', safe=True)
        return None

    return plugin(name, shequ_slot=shequ_slot)


async def test_slot_content_lands_in_its_place_on_each_page(site):
    s = await site(extra_plugins={"filler": filler("filler")})
    shop = await make_shop()
    product = await make_product(s.runtime, shop, specs={})
    visitor, customer = await s.buyer()
    html = (await visitor.get(f"/p/{product.id}")).text
    slot = html.index('<p class="group-price">拼团价 ¥9.90</p>')
    assert (
        html.index('<p class="price">') < slot < html.index('<section class="product-description">')
    )
    assert html.index('<span class="badge">新</span>') < html.index("</header>")
    await visitor.post("/cart", {"product_id": product.id, "quantity": "1"})
    cart = (await visitor.get("/cart")).text
    summary = cart[cart.index('<section class="summary">') :]
    assert summary.index("&lt;b&gt;满99包邮&lt;/b&gt;") < summary.index('<p class="total">')
    checkout = (await visitor.get("/checkout")).text
    escaped = checkout.index("&lt;em&gt;请核对地址&lt;/em&gt;")
    assert checkout.index('<p class="total">') < escaped < checkout.index("立即支付</button>")
    order = await paid_order(s.runtime, customer, (await first_sku(product)).id)
    detail = (await visitor.get(f"/orders/{order.number}")).text
    assert detail.index('<dl class="breakdown">') < detail.index('<div id="tracking">物流</div>')
    account = (await visitor.get("/account")).text
    menu = account[account.index('<ul class="menu">') : account.index("</ul>")]
    assert '<li><a href="/p/points/">我的积分</a></li>' in menu


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
async def test_every_template_renders_without_page_data(make_app, template, language):
    storefront = storefront_of(make_app({"platform": {"mode": "multi"}})[RUNTIME])
    html = await storefront.render_template(template, language=language)
    if not template.startswith("partials/"):
        assert html.startswith("<!doctype html>")
        assert html.rstrip().endswith("</html>")


def test_every_partial_is_used():
    folder = builtin_themes_dir() / "default" / "templates"
    text = "".join(path.read_text("utf-8") for path in folder.glob("*.html"))
    for name in TEMPLATES:
        if name.startswith("partials/"):
            assert f'"{name}"' in text, name
