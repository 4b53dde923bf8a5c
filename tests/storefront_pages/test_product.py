"""The product page: images, a SKU picker that works without JavaScript, price and stock,
the sanitised description, reviews and share meta."""

from __future__ import annotations

from shequ.core.accounts.models import Customer
from shequ.core.catalog.models import Sku
from shequ.core.catalog.products import unpublish
from shequ.core.hooktypes import ShareCard
from shequ.core.orders.models import OrderLine
from shequ.core.orders.service import confirm_receipt, ship_order
from shequ.core.reputation.reviews import submit_review
from shequ.core.shops.scope import shop_scope
from shequ.core.storefront.pages.page_cache import TTL, TtlCache, product_pages
from tests.storefront_pages.conftest import (
    first_sku,
    make_product,
    make_shop,
    paid_order,
    plugin,
)


async def skus_of(product) -> list[Sku]:
    with shop_scope(product.shop_id):
        return await Sku.filter(product_id=product.id).order_by("id")


async def test_product_page_has_images_picker_price_stock_and_description(site):
    s = await site()
    shop = await make_shop(name="小城服饰")
    product = await make_product(
        s.runtime,
        shop,
        title="纯棉T恤",
        subtitle="亲肤透气",
        description='<p>好<strong>面料</strong></p><script>alert(1)</script><a href="javascript:x()">x</a>',
        image=True,
    )
    skus = await skus_of(product)
    with shop_scope(shop.id):  # the first combination is sold out: the picker starts at the next
        await Sku.filter(id=skus[0].id).update(stock=0)
    page = await s.visitor().get(f"/p/{product.id}")
    assert page.status == 200
    html = page.text
    assert '<img class="product-cover" src="/media/' in html
    assert '<h1 class="product-title">纯棉T恤</h1>' in html
    assert '<p class="price">¥12.30<span class="price-max"> – ¥15.30</span></p>' in html
    # One radio group per spec attribute, values in order; the first SKU in stock is checked.
    assert "<legend>颜色</legend>" in html and "<legend>尺码</legend>" in html
    assert '<input type="radio" name="spec_0" value="红色" checked required>' in html
    assert '<input type="radio" name="spec_1" value="L" checked required>' in html
    assert '<input type="radio" name="spec_1" value="M" required>' in html
    # Every combination's price and stock, readable without a script.
    assert '<span class="variant-label">红色 / M</span>' in html
    assert '<span class="variant-stock">已售罄</span>' in html
    assert '<span class="variant-price">¥13.30</span>' in html
    assert "库存 10 件" in html
    # The description is trusted HTML only after sanitising.
    assert "<p>好<strong>面料</strong></p>" in html
    assert "alert(1)" not in html and "javascript:" not in html
    assert '<a href="/s/' + shop.slug + '">小城服饰</a>' in html
    assert "加入购物车" in html and "立即购买" in html


async def test_selected_sku_comes_from_the_query(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop())
    last = (await skus_of(product))[-1]
    html = (await s.visitor().get(f"/p/{product.id}?sku={last.id}")).text
    assert '<input type="radio" name="spec_0" value="蓝色" checked required>' in html
    assert '<input type="radio" name="spec_1" value="L" checked required>' in html
    # Junk in ?sku= falls back to the default choice.
    junk = (await s.visitor().get(f"/p/{product.id}?sku=abc")).text
    assert '<input type="radio" name="spec_0" value="红色" checked required>' in junk


async def test_a_product_without_specs_posts_its_only_sku(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={})
    sku = await first_sku(product)
    html = (await s.visitor().get(f"/p/{product.id}")).text
    assert f'<input type="hidden" name="sku_id" value="{sku.id}">' in html
    assert 'type="radio"' not in html


async def test_sold_out_product_offers_no_buy_button(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={}, stock=0)
    html = (await s.visitor().get(f"/p/{product.id}")).text
    assert '<p class="problem">已售罄</p>' in html
    assert "立即购买" not in html


async def test_drafts_and_unknown_products_are_not_found(site):
    s = await site()
    draft = await make_product(s.runtime, await make_shop(), published=False)
    for path in (f"/p/{draft.id}", "/p/987654", "/p/0"):
        page = await s.visitor().get(path)
        assert page.status == 404, path
    assert (await s.visitor().get("/p/1234567890123")).status == 404  # beyond 32-bit ids


async def test_titles_are_escaped_everywhere(site):
    s = await site()
    shop = await make_shop(name="<i>店</i>")
    product = await make_product(
        s.runtime, shop, title="<script>alert(1)</script>橙", specs={}, featured=True
    )
    visitor = s.visitor()
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;橙"
    for path in ("/", f"/s/{shop.slug}", f"/p/{product.id}", "/search?q=橙"):
        html = (await visitor.get(path)).text
        assert escaped in html, path
        assert "<script>alert(1)" not in html, path
        assert "<i>店</i>" not in html, path
    answer = await visitor.post("/cart", {"product_id": product.id, "quantity": "1"})
    assert answer.status == 303
    cart = (await visitor.get("/cart")).text
    assert escaped in cart and "<script>alert(1)" not in cart


async def test_share_meta_comes_from_the_share_card(site):
    def shequ_share_card(target_type, target_id, shop_id):
        return ShareCard(title=f"好物推荐 <{target_type}>")

    s = await site(extra_plugins={"cards": plugin("cards", shequ_share_card=shequ_share_card)})
    product = await make_product(
        s.runtime, await make_shop(), subtitle="酸甜多汁", specs={}, image=True
    )
    html = (await s.visitor().get(f"/p/{product.id}")).text
    head = html[: html.index("</head>")]
    assert '<meta property="og:title" content="好物推荐 &lt;product&gt;">' in head
    # Fields the plugin left empty come from the product, as absolute URLs.
    assert '<meta property="og:description" content="酸甜多汁">' in head
    assert f'<meta property="og:url" content="http://127.0.0.1:8080/p/{product.id}">' in head
    assert '<meta property="og:image" content="http://127.0.0.1:8080/media/' in head


async def test_reviews_area_shows_visible_reviews(site):
    s = await site()
    clock = FakeClock(product_pages(s.runtime))
    shop = await make_shop()
    product = await make_product(s.runtime, shop, specs={})
    empty = (await s.visitor().get(f"/p/{product.id}")).text
    assert "还没有评价。" in empty
    buyer = await Customer.create(nickname="王小明")
    order = await paid_order(s.runtime, buyer, (await first_sku(product)).id)
    await ship_order(
        s.runtime, shop.id, order.id, carrier="顺丰", tracking_number="SF1", actor="staff:1"
    )
    await confirm_receipt(s.runtime, buyer.id, order.number)
    with shop_scope(shop.id):
        line = await OrderLine.get(order_id=order.id)
    await submit_review(s.runtime, buyer.id, order.id, line.id, 4, "很甜 <b>推荐</b>")
    clock.now += TTL  # the page's data is reused for TTL seconds
    html = (await s.visitor().get(f"/p/{product.id}")).text
    reviews = html[html.index('<section class="reviews"') :]
    assert '<span class="muted">(1)</span>' in reviews
    assert "★★★★☆" in reviews
    assert "王***" in reviews  # masked nickname
    assert "很甜 &lt;b&gt;推荐&lt;/b&gt;" in reviews  # plain text, escaped


class FakeClock:
    """Drives a TtlCache's clock by hand."""

    def __init__(self, cache: TtlCache):
        self.now = 1000.0
        cache.clock = lambda: self.now


async def test_product_page_data_is_reused_briefly_but_buying_reads_the_database(site):
    s = await site()
    clock = FakeClock(product_pages(s.runtime))
    product = await make_product(s.runtime, await make_shop(), specs={}, price=1230, stock=5)
    visitor = s.visitor()
    assert '<p class="price">¥12.30</p>' in (await visitor.get(f"/p/{product.id}")).text
    sku = await first_sku(product)
    with shop_scope(product.shop_id):
        await Sku.filter(id=sku.id).update(price=990, stock=0)
    clock.now += TTL / 2
    cached = (await visitor.get(f"/p/{product.id}")).text
    assert '<p class="price">¥12.30</p>' in cached and "库存 5 件" in cached
    # The cart does not trust the page: the stock is read again.
    refused = await visitor.post("/cart", {"product_id": product.id, "quantity": "1"})
    assert refused.status == 422 and "库存不足。" in refused.text
    clock.now += TTL / 2
    fresh = (await visitor.get(f"/p/{product.id}")).text
    assert "¥9.90" in fresh and '<p class="problem">已售罄</p>' in fresh
    # Unpublished: gone once the moment has passed.
    await unpublish(s.runtime, product.shop_id, product.id)
    clock.now += TTL
    assert (await visitor.get(f"/p/{product.id}")).status == 404


def test_ttl_cache_expires_and_stays_bounded():
    now = [0.0]
    cache = TtlCache(ttl=2.0, max_entries=2, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    now[0] = 1.99
    assert cache.get("c") == 3
    now[0] = 2.0
    assert cache.get("c") is None and len(cache) == 1
    off = TtlCache(ttl=0)
    off.put("x", 1)
    assert off.get("x") is None


async def test_english_pages_with_the_language_switch(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={}, price=1230)
    visitor = s.visitor()
    chinese = (await visitor.get(f"/p/{product.id}")).text
    assert "加入购物车" in chinese and "¥12.30" in chinese
    english = await visitor.get(f"/p/{product.id}?lang=en")
    assert "Add to cart" in english.text and "Buy now" in english.text
    assert '<p class="price">¥12.30</p>' in english.text
    assert english.headers["Content-Language"] == "en"
    # The choice is remembered for the next pages.
    assert "Your cart is empty." in (await visitor.get("/cart")).text


async def test_pages_render_for_bearer_token_clients(site):
    from shequ.core.accounts.models import Customer
    from shequ.core.accounts.tokens import issue_token

    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={})
    token = await issue_token((await Customer.create(nickname="小程序")).id)
    headers = {"Authorization": f"Bearer {token}"}
    for path in (f"/p/{product.id}", "/account", "/cart"):
        page = await s.visitor().get(path, headers=headers)
        assert page.status == 200, path
    assert 'name="csrf_token" value=""' in (await s.visitor().get("/account", headers=headers)).text
