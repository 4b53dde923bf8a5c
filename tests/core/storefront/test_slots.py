"""Slots: plugin content lands where the template calls slot(name), escaped unless it is
SlotContent(safe=True), joined in plugin order."""

from __future__ import annotations

import logging

import pytest
from markupsafe import Markup

from shequ.core.appkeys import RUNTIME
from shequ.core.hooktypes import SlotContent
from shequ.core.storefront.engine import storefront_of
from shequ.core.storefront.slots import SLOTS, describe_slots, slot_html
from tests.core.storefront.conftest import make_plugin

PRODUCT = {
    "id": 7,
    "title": "赣南脐橙",
    "min_price": 1230,
    "currency": "CNY",
    "description_html": "<p>DESCRIPTION</p>",
    "sales_count": 3,
}


def filler(contents: dict[str, object]):
    """A plugin filling slots by name; it records the context it was given."""
    seen = []

    def shequ_slot(name, context):
        seen.append((name, context))
        return contents.get(name)

    module = make_plugin("filler", shequ_slot=shequ_slot)
    module.seen = seen
    return module


async def test_slot_content_appears_where_its_slot_is(aiohttp_client, make_app):
    plugin = filler(
        {
            "head": SlotContent('<meta name="x-plugin" content="1">', safe=True),
            "home.sections": SlotContent('<section id="promo">PROMO</section>', safe=True),
            "body_end": SlotContent('<script src="/static/plugins/filler/a.js"></script>', True),
        }
    )
    client = await aiohttp_client(
        make_app({"plugins": {"enabled": ["filler"]}}, extra_plugins={"filler": plugin})
    )
    html = await (await client.get("/")).text()
    head = html[: html.index("</head>")]
    assert '<meta name="x-plugin" content="1">' in head
    promo = html.index('<section id="promo">PROMO</section>')
    assert html.index('<main class="content">') < promo < html.index('<section class="listing">')
    assert html.index('<script src="/static/plugins/filler/a.js"></script>') > html.index("tabbar")
    assert html.rstrip().endswith("</body>\n</html>")
    # The hook got the page's context, read-only.
    name, context = next(item for item in plugin.seen if item[0] == "home.sections")
    assert context["shop"].name == "Shequ"
    with pytest.raises(TypeError):
        context["shop"] = None


async def test_plain_strings_are_escaped_and_only_safe_slot_content_is_trusted(make_app):
    plugin = filler(
        {
            "product.after_price": "<b>plain</b>",
            "product.after_description": SlotContent("<i>unsafe</i>"),
            "product.actions": SlotContent('<a class="share">SHARE</a>', safe=True),
            "header": Markup("<blink>markup</blink>"),
        }
    )
    app = make_app({"plugins": {"enabled": ["filler"]}}, extra_plugins={"filler": plugin})
    html = await storefront_of(app[RUNTIME]).render_template("product.html", {"product": PRODUCT})
    assert "&lt;b&gt;plain&lt;/b&gt;" in html and "<b>plain</b>" not in html
    assert "&lt;i&gt;unsafe&lt;/i&gt;" in html
    assert '<a class="share">SHARE</a>' in html
    # A Markup string is still a plain string at the slot boundary.
    assert "&lt;blink&gt;" in html
    # Each slot is where the template puts it.
    price = html.index("¥12.30")
    after_price = html.index("&lt;b&gt;plain")
    description = html.index("<p>DESCRIPTION</p>")
    after_description = html.index("&lt;i&gt;unsafe")
    actions = html.index('<a class="share">')
    assert price < after_price < description < after_description < actions


async def test_contributions_are_joined_in_plugin_order(make_app):
    def tagging(tag):
        return make_plugin(tag, shequ_slot=lambda name: f"[{tag}:{name}]")

    plugins = {tag: tagging(tag) for tag in ("first", "second", "third")}
    app = make_app({"plugins": {"enabled": list(plugins)}}, extra_plugins=plugins)
    runtime = app[RUNTIME]
    order = [impl.plugin for impl in runtime.hooks.impls("shequ_slot")]
    assert sorted(order) == ["first", "second", "third"]
    html = await storefront_of(runtime).render_template("cart.html")
    expected = "".join(f"[{plugin}:cart.summary]" for plugin in order)
    assert expected in html


async def test_async_slot_implementations_are_awaited(make_app):
    async def shequ_slot(runtime, name):
        return SlotContent("<em>async</em>", safe=True) if name == "order.detail" else None

    plugins = {"late": make_plugin("late", shequ_slot=shequ_slot)}
    app = make_app({"plugins": {"enabled": ["late"]}}, extra_plugins=plugins)
    html = await storefront_of(app[RUNTIME]).render_template("order.html")
    assert "<em>async</em>" in html


async def test_unknown_slot_names_are_logged_once(theme_app, caplog):
    app = theme_app({"templates/pages/odd.html": '{{ slot("nope") }}{{ slot("head") }}'})
    storefront = storefront_of(app[RUNTIME])
    with caplog.at_level(logging.WARNING, logger="shequ.core.storefront.engine"):
        await storefront.render_template("pages/odd.html")
        await storefront.render_template("pages/odd.html")
    warnings = [r.getMessage() for r in caplog.records if "unknown slot" in r.getMessage()]
    assert warnings == ["template uses unknown slot 'nope' (see `shequ theme slots`)"]


def test_wrong_return_types_name_the_plugin():
    with pytest.raises(TypeError, match="plugin 'bad': shequ_slot must return str or SlotContent"):
        slot_html("bad", 42)


def test_the_contract_is_listed():
    text = describe_slots()
    for name, description in SLOTS.items():
        assert any(
            line.startswith(name + " ") and description in line for line in text.splitlines()
        )
    assert len(text.splitlines()) == len(SLOTS)
