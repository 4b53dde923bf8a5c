"""Platform home, shop homes, categories and search: what buyers browse, across shops."""

from __future__ import annotations

from shequ.core.shops.models import Shop
from tests.storefront_pages.conftest import make_category, make_product, make_shop


async def test_platform_home_brings_traffic_to_every_active_shop(site):
    s = await site()
    fruit = await make_shop(name="鲜果园", notice="产地直发")
    tea = await make_shop(name="茶庄")
    closed = await make_shop(name="关门店", status="suspended")
    await make_category(s.runtime, fruit, "柑橘")
    await make_product(s.runtime, fruit, title="赣南脐橙", featured=True, specs={}, price=3990)
    await make_product(s.runtime, tea, title="明前龙井", specs={})
    await make_product(s.runtime, tea, title="草稿茶", specs={}, published=False)
    await make_product(s.runtime, closed, title="停售商品", specs={})
    page = await s.visitor().get("/")
    assert page.status == 200
    html = page.text
    featured = html[
        html.index('<section class="featured">') : html.index('<section class="shops">')
    ]
    assert "赣南脐橙" in featured and "明前龙井" not in featured
    assert '<p class="price">¥39.90</p>' in featured
    assert '<p class="card-shop">鲜果园</p>' in featured  # cards name their shop
    assert f'<a href="/s/{fruit.slug}">' in html and f'<a href="/s/{tea.slug}">' in html
    assert f"/s/{closed.slug}" not in html and "停售商品" not in html and "草稿茶" not in html
    assert "柑橘 <small>鲜果园</small>" in html
    assert '<span class="brand-name">Shequ</span>' in html  # the platform, not a shop


async def test_single_shop_platform_home_is_that_shop(site):
    s = await site({})
    shop = await Shop.get(slug="main")
    await make_product(s.runtime, shop, title="唯一的商品", specs={})
    html = (await s.visitor().get("/")).text
    assert '<h1 class="shop-name">Shequ</h1>' in html
    assert 'action="/s/main/follow"' in html
    assert "唯一的商品" in html
    assert '<a class="brand" href="/">' in html


async def test_shop_home_shows_logo_notice_categories_and_products(site):
    s = await site()
    shop = await make_shop(
        name="鲜果园",
        notice="满99包邮",
        logo_url="/media/ab/logo.png",
        theme_options={"brand_color": "#2e7d32"},
    )
    other = await make_shop(name="别家")
    citrus = await make_category(s.runtime, shop, "柑橘")
    await make_category(s.runtime, shop, "橙子", parent_id=citrus.id)
    await make_product(s.runtime, shop, title="脐橙", specs={}, category_id=citrus.id)
    await make_product(s.runtime, other, title="别家的货", specs={})
    page = await s.visitor().get(f"/s/{shop.slug}")
    assert page.status == 200
    html = page.text
    assert '<img class="shop-logo" src="/media/ab/logo.png" alt="">' in html
    assert '<p class="notice">满99包邮</p>' in html
    assert f'<a href="/c/{citrus.id}">柑橘</a>' in html
    assert "橙子" not in html  # only top-level categories on the home page
    assert "<h3>脐橙</h3>" in html and "别家的货" not in html
    assert "共 1 件商品" in html
    assert '<a class="brand" href="/s/' + shop.slug + '">' in html
    # The shop's own brand colour reaches the page through its options stylesheet.
    options_css = html.split('<link rel="stylesheet" href="')[2].split('"')[0]
    assert f"/static/theme-options/{shop.id}." in options_css
    css = await s.visitor().get(options_css)
    assert "--brand-color: #2e7d32;" in css.text


async def test_unknown_and_suspended_shops_are_not_found(site):
    s = await site()
    shop = await make_shop(status="suspended")
    category = await make_category(s.runtime, shop, "杂货")
    product = await make_product(s.runtime, shop, specs={}, category_id=category.id)
    visitor = s.visitor()
    for path in (f"/s/{shop.slug}", "/s/no-such-shop", f"/c/{category.id}", f"/p/{product.id}"):
        page = await visitor.get(path)
        assert page.status == 404, path
        assert "页面不存在" in page.text
    assert (await visitor.get(f"/search?q=纯棉&shop={shop.slug}")).status == 404


async def test_category_lists_its_products_and_subcategories(site):
    s = await site()
    shop = await make_shop()
    fruit = await make_category(s.runtime, shop, "水果")
    citrus = await make_category(s.runtime, shop, "柑橘", parent_id=fruit.id)
    tea = await make_category(s.runtime, shop, "茶叶")
    await make_product(s.runtime, shop, title="脐橙", specs={}, price=500, category_id=citrus.id)
    await make_product(s.runtime, shop, title="苹果", specs={}, price=900, category_id=fruit.id)
    await make_product(s.runtime, shop, title="龙井", specs={}, category_id=tea.id)
    page = await s.visitor().get(f"/c/{fruit.id}?sort=price_desc")
    assert page.status == 200
    assert "<h1>水果</h1>" in page.text
    assert f'<a href="/c/{citrus.id}">柑橘</a>' in page.text
    assert "<h3>脐橙</h3>" in page.text and "<h3>苹果</h3>" in page.text
    assert "龙井" not in page.text
    assert (
        f'<a href="/c/{fruit.id}?sort=price_desc" aria-current="true">价格从高到低</a>' in page.text
    )
    assert page.text.index("<h3>苹果</h3>") < page.text.index("<h3>脐橙</h3>")  # dearest first
    assert (await s.visitor().get("/c/999999")).status == 404


async def test_search_across_shops_and_in_one(site):
    s = await site()
    a = await make_shop(name="甲店")
    b = await make_shop(name="乙店")
    await make_product(s.runtime, a, title="Red Apple 红苹果", specs={})
    await make_product(s.runtime, b, title="青苹果", specs={})
    await make_product(s.runtime, b, title="苹果草稿", specs={}, published=False)
    await make_product(s.runtime, b, title="香蕉", specs={})
    visitor = s.visitor()
    everywhere = (await visitor.get("/search?q=苹果")).text
    assert "红苹果" in everywhere and "青苹果" in everywhere
    assert "苹果草稿" not in everywhere and "香蕉" not in everywhere
    assert '<p class="card-shop">乙店</p>' in everywhere
    assert "“苹果”的搜索结果" in everywhere
    # Case-insensitive, and limited to one shop with &shop=.
    one = (await visitor.get(f"/search?q=APPLE&shop={a.slug}")).text
    assert "红苹果" in one and "青苹果" not in one
    assert f'<input type="hidden" name="shop" value="{a.slug}">' in one
    nothing = (await visitor.get("/search?q=榴莲")).text
    assert "没有找到相关商品。" in nothing
    empty = await visitor.get("/search")
    assert empty.status == 200 and "没有找到" not in empty.text


async def test_odd_listing_parameters_fall_back_to_defaults(site):
    s = await site()
    shop = await make_shop()
    for i in range(3):
        await make_product(s.runtime, shop, title=f"商品{i}", specs={})
    for query in ("sort=DROP TABLE", "page=-1", "page=abc", "page=99999999999", "sort="):
        page = await s.visitor().get(f"/s/{shop.slug}?{query}")
        assert page.status == 200, query
    beyond = await s.visitor().get(f"/s/{shop.slug}?page=50")
    assert beyond.status == 200 and "<h3>" not in beyond.text


async def test_listing_pages_link_to_each_other(site):
    s = await site()
    shop = await make_shop()
    for i in range(23):
        await make_product(s.runtime, shop, title=f"商品{i:02d}", specs={}, sort=i)
    first = (await s.visitor().get(f"/s/{shop.slug}")).text
    assert first.count('class="product-card"') == 20
    assert f'<a href="/s/{shop.slug}?page=2">2</a>' in first
    second = (await s.visitor().get(f"/s/{shop.slug}?page=2")).text
    assert second.count('class="product-card"') == 3
    assert "<h3>商品22</h3>" in second
