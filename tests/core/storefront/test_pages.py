"""The home page, theme pages under /pages/<name>, and the render() helper's context."""

from __future__ import annotations

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.models import Product, ProductStatus
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import shop_scope
from shequ.core.storefront.rendering import render
from tests.core.storefront.conftest import make_plugin


async def test_home_lists_published_products_of_the_shop(aiohttp_client, make_app):
    app = make_app()
    client = await aiohttp_client(app)
    app[RUNTIME].db.activate()
    shop = await Shop.all().first()
    other = await Shop.create(slug="other", name="Other")
    with shop_scope(shop.id):
        await Product.create(title="脐橙 <5kg>", min_price=1230, status=ProductStatus.PUBLISHED)
        await Product.create(title="草稿商品", min_price=100)
    with shop_scope(other.id):
        await Product.create(title="别家的货", min_price=100, status=ProductStatus.PUBLISHED)
    html = await (await client.get("/")).text()
    assert "<h3>脐橙 &lt;5kg&gt;</h3>" in html
    assert '<p class="price">¥12.30</p>' in html
    assert "草稿商品" not in html and "别家的货" not in html
    assert "还没有上架的商品" not in html


async def test_pages_render_theme_pages_and_404_otherwise(aiohttp_client, theme_app):
    app = theme_app(
        {
            "templates/pages/faq.html": '{% extends "base.html" %}{% block content %}FAQ{% endblock %}'
        }
    )
    client = await aiohttp_client(app)
    response = await client.get("/pages/faq")
    assert response.status == 200
    assert response.content_type == "text/html"
    assert '<main class="content">\nFAQ</main>' in await response.text()
    for path in ("/pages/missing", "/pages/../base", "/pages/Faq", "/pages/faq.html"):
        response = await client.get(path)
        assert response.status == 404, path
    missing = await client.get("/pages/missing")
    assert "页面不存在" in await missing.text()  # the theme's own error page


async def test_render_gives_handlers_the_common_context(aiohttp_client, theme_app):
    async def hello(request):
        return await render(request, "pages/ctx.html", {"extra": "<x>"}, status=201)

    def shequ_routes(app):
        app.router.add_get("/p/ctx", hello)

    page = (
        "{{ platform.name }}|{{ shop.slug }}|{{ customer }}|{{ theme.name }}|{{ lang }}|"
        "{{ path }}|{{ extra }}|{{ csrf_token()|length > 20 }}|{{ languages|length }}"
    )
    app = theme_app(
        {"templates/pages/ctx.html": page},
        plugins={"ctx": make_plugin("ctx", shequ_routes=shequ_routes)},
    )
    client = await aiohttp_client(app)
    response = await client.get("/p/ctx")
    assert response.status == 201
    assert await response.text() == "Shequ|main|None|child|zh_CN|/p/ctx|&lt;x&gt;|True|2"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


async def test_csrf_token_from_a_page_is_accepted_by_a_form_post(aiohttp_client, theme_app):
    posted = []

    async def form(request):
        return await render(request, "pages/form.html")

    async def submit(request):
        posted.append((await request.post())["note"])
        return web.Response(text="ok")

    def shequ_routes(app):
        app.router.add_get("/p/form", form)
        app.router.add_post("/p/form", submit)

    app = theme_app(
        {"templates/pages/form.html": "{{ csrf_token() }}"},
        plugins={"form": make_plugin("form", shequ_routes=shequ_routes)},
    )
    client = await aiohttp_client(app)
    token = await (await client.get("/p/form")).text()
    refused = await client.post("/p/form", data={"note": "x"})
    assert refused.status == 403
    accepted = await client.post("/p/form", data={"note": "hi", "csrf_token": token})
    assert accepted.status == 200
    assert posted == ["hi"]


async def test_signed_in_customer_is_a_view_in_the_context(aiohttp_client, theme_app):
    from shequ.core.accounts.models import Customer
    from shequ.core.accounts.tokens import issue_token

    app = theme_app({"templates/pages/me.html": "{{ customer }}"})
    client = await aiohttp_client(app)
    app[RUNTIME].db.activate()
    customer = await Customer.create(nickname="小王", language="en")
    token = await issue_token(customer.id)
    response = await client.get("/pages/me", headers={"Authorization": f"Bearer {token}"})
    text = await response.text()
    assert text == f"CustomerView(id={customer.id}, nickname=&#39;小王&#39;, avatar_url=&#39;&#39;)"
    # The customer's own language wins over the platform's.
    assert response.headers["Content-Language"] == "en"
