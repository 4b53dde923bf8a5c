"""The default theme keeps the contracts: every slot used, every string translated, every
page renders, and `shequ theme check` finds nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shequ.core.appkeys import RUNTIME
from shequ.core.storefront.check import REQUIRED_LANGUAGES, check_theme, template_messages
from shequ.core.storefront.engine import storefront_of
from shequ.core.storefront.i18n import read_catalog
from shequ.core.storefront.slots import SLOTS
from shequ.core.storefront.themes import builtin_themes_dir

DEFAULT = builtin_themes_dir() / "default"
TEMPLATES = sorted((DEFAULT / "templates").rglob("*.html"))
PAGES = ["base.html", "home.html", "product.html", "cart.html", "checkout.html", "order.html"]
PAGES += ["account.html", "error.html"]
SLOT_CALL = re.compile(r"""slot\(\s*["']([^"']+)["']\s*\)""")


def catalog(language: str):
    return read_catalog(DEFAULT / "locales" / language / "LC_MESSAGES" / "messages.po", language)


def test_every_documented_slot_is_used_by_the_default_theme():
    used = {name for path in TEMPLATES for name in SLOT_CALL.findall(path.read_text("utf-8"))}
    assert set(SLOTS) - used == set(), "slots missing from the default theme"
    assert used - set(SLOTS) == set(), "slots used but not documented"


def test_the_default_theme_has_every_page():
    assert {p.name for p in TEMPLATES} >= set(PAGES)


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_every_catalog_entry_is_translated(language):
    messages = [m for m in catalog(language) if m.id]
    assert messages, f"the {language} catalog is empty"
    untranslated = [m.id for m in messages if not m.string or m.fuzzy]
    assert untranslated == []


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_every_template_string_is_in_the_catalog(language):
    known = {m.id for m in catalog(language) if m.id}
    used = {msgid for path in TEMPLATES for _, msgid in template_messages(path)}
    assert used, "no translatable strings found: is the extraction broken?"
    assert sorted(used - known) == []


def test_chinese_catalog_is_chinese():
    entries = {m.id: m.string for m in catalog("zh_CN") if m.id}
    assert entries["Add to cart"] == "加入购物车"
    assert all(re.search(r"[\u4e00-\u9fff]", text) for text in entries.values())


def test_theme_check_finds_nothing():
    assert [str(p) for p in check_theme(DEFAULT)] == []


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
async def test_every_page_renders_without_page_data(make_app, page, language):
    storefront = storefront_of(make_app()[RUNTIME])
    html = await storefront.render_template(page, language=language)
    assert html.startswith("<!doctype html>")
    assert html.rstrip().endswith("</html>")


async def test_stylesheet_is_mobile_first_without_remote_resources():
    css = (DEFAULT / "static" / "css" / "site.css").read_text("utf-8")
    assert "http://" not in css and "https://" not in css and "@import" not in css
    # Base rules are for phones; wider screens are the media-query exception.
    assert re.findall(r"@media \((min|max)-width", css) == ["min"]


def test_templates_have_no_inline_scripts_or_styles():
    """The CSP blocks them, so they would silently do nothing."""
    for path in TEMPLATES:
        text = path.read_text("utf-8")
        assert "<style" not in text and " style=" not in text, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_theme_ships_no_compiled_catalogs():
    assert list(Path(DEFAULT / "locales").rglob("*.mo")) == []
