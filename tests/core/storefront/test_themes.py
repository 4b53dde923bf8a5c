"""The theme model: theme.toml validation, the chain of parents, theme options."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shequ.core import __version__
from shequ.core.config import ConfigError
from shequ.core.runtime import Runtime
from shequ.core.storefront.engine import Storefront
from shequ.core.storefront.themes import (
    builtin_theme,
    chain_for,
    check_option_value,
    configured_chain,
    load_theme,
    version_matches,
)
from tests.core.storefront.conftest import write_theme

COLOR_SETTING = """
[settings.brand_color]
type = "color"
default = "#123456"
label = "Brand"
"""


def test_default_theme_is_valid_and_alone_in_its_chain():
    chain = chain_for(builtin_theme("default"))
    assert [t.name for t in chain.themes] == ["default"]
    specs = chain.option_specs()
    assert {"brand_color", "logo_url", "notice"} <= set(specs)
    assert specs["brand_color"].type == "color"


def test_child_chain_ends_with_default_and_overrides_setting_defaults(tmp_path):
    theme = load_theme(write_theme(tmp_path / "child", extra=COLOR_SETTING))
    chain = chain_for(theme)
    assert [t.name for t in chain.themes] == ["child", "default"]
    assert chain.options({})["brand_color"] == "#123456"
    # Keys the child does not redefine keep the parent's defaults.
    assert chain.options({})["notice"] == ""


def test_theme_without_parent_still_falls_back_to_default(tmp_path):
    chain = chain_for(load_theme(write_theme(tmp_path / "solo", "solo", extends=None)))
    assert [t.name for t in chain.themes] == ["solo", "default"]


def test_theme_path_is_relative_to_the_config_folder(make_settings, tmp_path):
    write_theme(tmp_path / "themes" / "child")
    chain = configured_chain(make_settings({"theme": {"path": "themes/child"}}))
    assert chain.primary.folder == (tmp_path / "themes" / "child").resolve()


@pytest.mark.parametrize(
    ("theme", "expected"),
    [
        ({"extends": "nope"}, r"theme\.toml: extends: unknown theme 'nope' \(built-in themes: "),
        ({"shequ": ">=2"}, r"theme\.toml: shequ: the theme needs shequ >=2, this is "),
        ({"shequ": "about one"}, r"theme\.toml: shequ: Value error, expected clauses like"),
        ({"name": "Bad Name"}, r"theme\.toml: name: String should match pattern"),
        (
            {"extra": '[settings.brand_color]\ntype = "colour"\ndefault = "#fff"\nlabel = "x"'},
            r"theme\.toml: settings\.brand_color\.type: Input should be 'color', 'string', 'url'",
        ),
        (
            {"extra": '[settings.brand_color]\ntype = "color"\ndefault = "red"\nlabel = "x"'},
            r"theme\.toml: settings\.brand_color\.default: Value error, must be a colour like #e4393c",
        ),
        ({"extra": 'colour = "red"'}, r"theme\.toml: colour: unknown key"),
        ({"extra": 'stylesheets = ["css/missing.css"]'}, r"stylesheets\.0: no such file"),
        ({"extra": 'stylesheets = ["../theme.toml"]'}, r"stylesheets\.0: no such file"),
    ],
)
def test_bad_theme_toml_names_the_file_and_the_key(make_app, tmp_path, theme, expected):
    folder = write_theme(tmp_path / "child", **theme)
    with pytest.raises(ConfigError, match=expected) as info:
        make_app({"theme": {"path": str(folder)}})
    assert str(folder / "theme.toml") in str(info.value)


def test_missing_manifest_and_folder(make_app, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match=r"empty/theme\.toml: no such file"):
        make_app({"theme": {"path": "empty"}})
    with pytest.raises(ConfigError, match=r"^theme\.path: no such folder"):
        make_app({"theme": {"path": "nowhere"}})
    with pytest.raises(ConfigError, match=r"^theme\.name: unknown theme 'fancy'"):
        make_app({"theme": {"name": "fancy"}})


def test_toml_syntax_error_is_reported_with_the_file(make_app, tmp_path):
    folder = tmp_path / "child"
    folder.mkdir()
    (folder / "theme.toml").write_text('name = "child"\nversion = \n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"child/theme\.toml: TOML syntax error: .*line 2"):
        make_app({"theme": {"path": str(folder)}})


def test_a_path_theme_may_not_call_itself_default(make_app, tmp_path):
    folder = write_theme(tmp_path / "mine", "default", extends=None)
    with pytest.raises(ConfigError, match=r"name: 'default' is the built-in theme's name"):
        make_app({"theme": {"path": str(folder)}})


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"brand_color": "red"}, r"^theme\.options\.brand_color: must be a colour"),
        (
            {"brand_colour": "#fff"},
            r"^theme\.options\.brand_colour: unknown key \(theme settings: ",
        ),
        ({"show_sales_count": "yes"}, r"^theme\.options\.show_sales_count: must be true or false"),
        ({"logo_url": "javascript:alert(1)"}, r"^theme\.options\.logo_url: must be a path"),
        ({"logo_url": '/a.png" onerror="x'}, r"^theme\.options\.logo_url: must be a path"),
        ({"notice": 5}, r"^theme\.options\.notice: must be a string"),
    ],
)
def test_bad_theme_options_are_refused_with_their_key(make_app, options, expected):
    with pytest.raises(ConfigError, match=expected):
        make_app({"theme": {"options": options}})


def test_options_merge_over_defaults(make_settings):
    runtime = Runtime(make_settings({"theme": {"options": {"brand_color": "#00aa00"}}}))
    storefront = Storefront(runtime)
    assert storefront.options["brand_color"] == "#00aa00"
    assert storefront.options["accent_color"] == "#ff9500"  # the schema default


def test_shop_options_skip_bad_values(caplog):
    chain = chain_for(builtin_theme("default"))
    base = chain.options({"brand_color": "#00aa00"})
    merged = chain.shop_options(base, {"notice": "新品上架", "brand_color": "red", "bogus": 1})
    assert merged["notice"] == "新品上架"
    assert merged["brand_color"] == "#00aa00"
    assert "brand_color ignored" in caplog.text and "bogus ignored" in caplog.text


def test_options_css_carries_only_validated_colours():
    chain = chain_for(builtin_theme("default"))
    css = chain.options_css(chain.options({"brand_color": "#0a0", "notice": "}body{x"}))
    assert "--brand-color: #0a0;" in css
    assert "--background-color: #f5f5f5;" in css
    assert "notice" not in css and "body" not in css


@pytest.mark.parametrize(
    ("kind", "value"),
    [("url", "/media/logo.png"), ("url", "https://img.example.com/a.png"), ("url", "")],
)
def test_good_option_values(kind, value):
    assert check_option_value(kind, value) == value


@pytest.mark.parametrize(
    ("spec", "version", "expected"),
    [
        (">=0.1,<1", "0.1.0", True),
        (">=0.1,<1", "0.9.3", True),
        (">=0.1,<1", "1.0", False),
        (">=0.2", "0.1.9", False),
        ("==0.1", "0.1.0", True),
        ("!=0.1.0", "0.1", False),
        (">0.1", "0.1.0", False),
        ("<=1", "1.0.0", True),
    ],
)
def test_version_specs(spec, version, expected):
    assert version_matches(spec, version) is expected


@pytest.mark.parametrize("spec", ["", "0.1", ">=", ">=0.1,", "~=0.1", ">=a.b"])
def test_malformed_version_specs(spec):
    with pytest.raises(ValueError, match="expected clauses"):
        version_matches(spec, "0.1.0")


versions = st.lists(st.integers(0, 50), min_size=1, max_size=4).map(
    lambda parts: ".".join(map(str, parts))
)


@given(low=versions, high=versions, version=versions)
def test_range_spec_agrees_with_tuple_comparison(low, high, version):
    def key(v):
        parts = [int(p) for p in v.split(".")]
        return parts + [0] * (4 - len(parts))

    expected = key(low) <= key(version) < key(high)
    assert version_matches(f">={low},<{high}", version) is expected


def test_current_version_satisfies_the_default_theme():
    assert re.match(r"^\d+\.\d+", __version__)
    assert version_matches(builtin_theme("default").manifest.shequ, __version__)
