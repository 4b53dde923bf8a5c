"""Storefront routes: the buyer pages, theme pages, hashed theme assets and option styles."""

from __future__ import annotations

from aiohttp import web

from shequ.core.runtime import Runtime
from shequ.core.shops.models import Shop
from shequ.core.storefront.assets import IMMUTABLE, STATIC_PREFIX
from shequ.core.storefront.engine import OPTIONS_CSS_PREFIX, STATE_KEY, Storefront
from shequ.core.storefront.pages import setup_pages
from shequ.core.storefront.rendering import render, storefront_for
from shequ.core.storefront.themes import options_css_hash

PAGE_NAME = r"[a-z0-9][a-z0-9_-]{0,63}"


async def not_found(request: web.Request) -> web.Response:
    return await render(request, "error.html", {"status": 404}, status=404)


async def page(request: web.Request) -> web.Response:
    """``/pages/<name>`` renders ``pages/<name>.html`` if any theme of the chain has it."""
    template = f"pages/{request.match_info['name']}.html"
    if not storefront_for(request).has_template(template):
        return await not_found(request)
    return await render(request, template)


async def theme_asset(request: web.Request) -> web.FileResponse:
    path = storefront_for(request).assets.file_for(
        request.match_info["theme"], request.match_info["path"]
    )
    if path is None:
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": IMMUTABLE})


async def theme_options_css(request: web.Request) -> web.Response:
    """A shop's colour settings as CSS; the URL carries a digest of the content."""
    storefront = storefront_for(request)
    shop_id = int(request.match_info["shop_id"])
    shop = await Shop.get_or_none(id=shop_id) if shop_id else None
    if shop_id and shop is None:
        raise web.HTTPNotFound()
    css = storefront.chain.options_css(storefront.options_for(shop))
    if options_css_hash(css) != request.match_info["digest"]:
        raise web.HTTPNotFound()
    return web.Response(text=css, content_type="text/css", headers={"Cache-Control": IMMUTABLE})


def setup_storefront(app: web.Application, runtime: Runtime) -> Storefront:
    """Build the runtime's storefront (validating the theme) and add its routes."""
    storefront = Storefront(runtime)
    runtime.state[STATE_KEY] = storefront
    setup_pages(app)  # the buyer pages, "/" included
    app.router.add_get(f"/pages/{{name:{PAGE_NAME}}}", page, name="storefront.page")
    app.router.add_get(STATIC_PREFIX + "{theme}/{path:.+}", theme_asset, name="storefront.asset")
    app.router.add_get(
        OPTIONS_CSS_PREFIX + r"{shop_id:\d{1,12}}.{digest:[0-9a-f]{8}}.css",
        theme_options_css,
        name="storefront.options_css",
    )
    return storefront
