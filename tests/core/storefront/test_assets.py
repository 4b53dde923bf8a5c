"""Theme assets under content-hashed URLs with immutable caching; colour options as CSS."""

from __future__ import annotations

import hashlib
import re

import pytest

from shequ.core.appkeys import RUNTIME
from shequ.core.shops.models import Shop
from shequ.core.storefront.assets import IMMUTABLE, hashed_name, unhashed_name
from shequ.core.storefront.engine import storefront_of
from shequ.core.storefront.themes import builtin_themes_dir

SITE_CSS = builtin_themes_dir() / "default" / "static" / "css" / "site.css"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)">')


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


async def test_default_stylesheet_is_served_under_its_hash_forever(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    html = await (await client.get("/")).text()
    site_url = f"/static/t/default/css/site.{digest(SITE_CSS.read_bytes())}.css"
    assert STYLESHEET.findall(html)[0] == site_url
    response = await client.get(site_url)
    assert response.status == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.content_type == "text/css"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert await response.read() == SITE_CSS.read_bytes()


@pytest.mark.parametrize(
    "path",
    [
        "/static/t/default/css/site.css",  # unhashed
        "/static/t/default/css/site.00000000.css",  # stale or made-up hash
        "/static/t/nope/css/site.{digest}.css",  # a theme outside the chain
        "/static/t/default/css/other.{digest}.css",
        "/static/t/default/%2E%2E/theme.{digest}.toml",
    ],
)
async def test_unhashed_stale_and_foreign_asset_urls_are_404(aiohttp_client, make_app, path):
    client = await aiohttp_client(make_app())
    toml = builtin_themes_dir() / "default" / "theme.toml"
    path = path.format(digest=digest(SITE_CSS.read_bytes()) if "site" in path else "x")
    if "theme." in path:
        path = path.replace("x", digest(toml.read_bytes()))
    response = await client.get(path)
    assert response.status == 404
    assert "Cache-Control" not in response.headers


def test_no_path_escapes_the_static_folder(make_app):
    assets = storefront_of(make_app()[RUNTIME]).assets
    toml = builtin_themes_dir() / "default" / "theme.toml"
    hashed = f"../theme.{digest(toml.read_bytes())}.toml"
    assert assets.file_for("default", hashed) is None
    assert assets.file_for("default", "/etc/passwd.00000000") is None
    with pytest.raises(LookupError, match="asset '../theme.toml' is in no theme"):
        assets.url("../theme.toml")


async def test_child_theme_assets_resolve_through_the_chain(aiohttp_client, theme_app):
    app = theme_app(
        {
            "static/css/site.css": "body{color:red}",
            "static/css/extra.css": ".x{}",
            "templates/pages/assets.html": (
                "{{ asset_url('css/site.css') }} {{ asset_url('css/extra.css') }}"
            ),
        },
        extra='stylesheets = ["css/extra.css"]',
    )
    client = await aiohttp_client(app)
    text = await (await client.get("/pages/assets")).text()
    own = f"/static/t/child/css/site.{digest(b'body{color:red}')}.css"
    extra = f"/static/t/child/css/extra.{digest(b'.x{}')}.css"
    assert text == f"{own} {extra}"
    assert await (await client.get(own)).text() == "body{color:red}"
    # Every page links the chain's stylesheets, the parent's first, then the options; the
    # child's css/site.css replaces the default theme's, as a template would.
    links = STYLESHEET.findall(await (await client.get("/")).text())
    assert links[:2] == [own, extra]
    assert links[2].startswith("/static/theme-options/")
    assert len(links) == 3


async def test_changed_files_get_new_urls_in_dev_mode(theme_app):
    app = theme_app({"static/app.js": "one()"})
    storefront = storefront_of(app[RUNTIME])
    storefront.reload_on_change()
    first = storefront.assets.url("app.js")
    (storefront.chain.primary.static_dir / "app.js").write_text("two(); three()")
    second = storefront.assets.url("app.js")
    assert first != second
    assert storefront.assets.file_for("child", first.split("/static/t/child/")[1]) is None


def test_hashed_names_round_trip():
    assert hashed_name("css/site.css", "0123abcd") == "css/site.0123abcd.css"
    assert hashed_name("js/app.min.js", "0123abcd") == "js/app.min.0123abcd.js"
    assert hashed_name("LICENSE", "0123abcd") == "LICENSE.0123abcd"
    for name in ("css/site.css", "js/app.min.js", "LICENSE", "a/b/c.d.e"):
        assert unhashed_name(hashed_name(name, "89abcdef")) == (name, "89abcdef")
    assert unhashed_name("css/site.css") is None


async def test_theme_colours_reach_the_page_as_a_stylesheet(aiohttp_client, make_app):
    app = make_app({"theme": {"options": {"brand_color": "#00aa00"}}})
    client = await aiohttp_client(app)
    options_url = STYLESHEET.findall(await (await client.get("/")).text())[-1]
    response = await client.get(options_url)
    assert response.status == 200
    assert response.content_type == "text/css"
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert "--brand-color: #00aa00;" in await response.text()

    # A shop's own options change the stylesheet and its URL.
    app[RUNTIME].db.activate()
    shop = await Shop.all().first()
    shop.theme_options = {"brand_color": "#0000ff"}
    await shop.save()
    new_url = STYLESHEET.findall(await (await client.get("/")).text())[-1]
    assert new_url != options_url
    assert "--brand-color: #0000ff;" in await (await client.get(new_url)).text()
    assert (await client.get(options_url)).status == 404  # stale digest
    assert (await client.get("/static/theme-options/999.00000000.css")).status == 404
