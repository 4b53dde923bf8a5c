"""Template lookup: deployment theme -> its parents -> plugin templates -> default, and
prefixed names ("default:product.html") that address one theme of the chain."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jinja2 import TemplateNotFound

from shequ.core.appkeys import RUNTIME
from shequ.core.storefront.engine import storefront_of
from shequ.core.storefront.themes import builtin_themes_dir
from tests.core.storefront.conftest import template_plugin

DEFAULT_TEMPLATES = builtin_themes_dir() / "default" / "templates"


@pytest.fixture
def plugin_templates(tmp_path) -> Path:
    folder = tmp_path / "plugin_templates"
    folder.mkdir()
    for name in ("product.html", "cart.html", "plugin-only.html"):
        (folder / name).write_text(f"plugin {name}", encoding="utf-8")
    return folder


def source_of(app, name: str) -> Path:
    return Path(storefront_of(app[RUNTIME]).env.get_template(name).filename)


def test_plugin_templates_come_before_the_default_theme(make_app, plugin_templates):
    app = make_app(
        {"plugins": {"enabled": ["tpl"]}},
        extra_plugins={"tpl": template_plugin("tpl", plugin_templates)},
    )
    assert source_of(app, "product.html") == plugin_templates / "product.html"
    assert source_of(app, "plugin-only.html") == plugin_templates / "plugin-only.html"
    assert source_of(app, "checkout.html") == DEFAULT_TEMPLATES / "checkout.html"
    # A prefix addresses the default theme itself, past the plugin's override.
    assert source_of(app, "default:product.html") == DEFAULT_TEMPLATES / "product.html"


def test_child_theme_comes_before_plugins(theme_app, plugin_templates, tmp_path):
    app = theme_app(
        {"templates/product.html": "child product"},
        plugins={"tpl": template_plugin("tpl", plugin_templates)},
    )
    child = tmp_path / "child" / "templates"
    assert source_of(app, "product.html") == child / "product.html"
    assert source_of(app, "cart.html") == plugin_templates / "cart.html"
    assert source_of(app, "order.html") == DEFAULT_TEMPLATES / "order.html"
    assert source_of(app, "child:product.html") == child / "product.html"
    assert source_of(app, "default:product.html") == DEFAULT_TEMPLATES / "product.html"


def test_unknown_names_and_prefixes_are_not_found(theme_app):
    env = storefront_of(theme_app()[RUNTIME]).env
    for name in ("nope.html", "nope:product.html", "child:nope.html", "default:"):
        with pytest.raises(TemplateNotFound):
            env.get_template(name)


async def test_child_overrides_one_block_of_the_parent_template(theme_app):
    app = theme_app(
        {
            "templates/product.html": (
                '{% extends "default:product.html" %}'
                "{% block product_title %}<h1>CHILD TITLE</h1>{{ super() }}{% endblock %}"
            ),
            # base.html is looked up through the chain, so the child's own base applies.
            "templates/base.html": (
                '{% extends "default:base.html" %}{% block body_class %}child-body{% endblock %}'
            ),
        }
    )
    storefront = storefront_of(app[RUNTIME])
    html = await storefront.render_template(
        "product.html", {"product": {"title": "苹果", "min_price": 1230, "currency": "CNY"}}
    )
    assert "<h1>CHILD TITLE</h1>" in html
    assert '<h1 class="product-title">苹果</h1>' in html  # super() kept the parent's block
    assert "¥12.30" in html  # the other blocks are the parent's
    assert 'class="child-body"' in html


async def test_autoescape_is_on_for_every_template(theme_app):
    app = theme_app({"templates/pages/echo.txt": "{{ value }}"})
    storefront = storefront_of(app[RUNTIME])
    text = await storefront.render_template("pages/echo.txt", {"value": "<b>"})
    assert text == "&lt;b&gt;"


async def test_templates_are_cached_until_dev_mode_reloads_them(theme_app, tmp_path):
    app = theme_app({"templates/pages/x.html": "one"})
    storefront = storefront_of(app[RUNTIME])
    assert await storefront.render_template("pages/x.html") == "one"
    path = tmp_path / "child" / "templates" / "pages" / "x.html"
    path.write_text("two", encoding="utf-8")
    later = path.stat().st_mtime + 10
    os.utime(path, (later, later))
    assert await storefront.render_template("pages/x.html") == "one"
    storefront.reload_on_change()  # what `shequ serve --dev` does
    assert await storefront.render_template("pages/x.html") == "two"
