"""``shequ theme new|check|slots``."""

from __future__ import annotations

import re

import pytest

from shequ.core.cli.main import main
from shequ.core.storefront.slots import SLOTS
from shequ.core.storefront.themes import builtin_themes_dir
from tests.core.storefront.conftest import write_theme


@pytest.fixture(autouse=True)
def no_config_here(tmp_path, monkeypatch):
    """Run from an empty folder: no ./shequ.toml, so no plugins take part."""
    monkeypatch.chdir(tmp_path)


def test_slots_lists_the_contract(capsys):
    assert main(["theme", "slots"]) == 0
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines()] == list(SLOTS)


def test_new_theme_passes_check_and_overrides_one_block(tmp_path, capsys):
    assert main(["theme", "new", "shop-look", "--dir", str(tmp_path / "themes")]) == 0
    folder = tmp_path / "themes" / "shop-look"
    assert f"wrote {folder}" in capsys.readouterr().out
    assert (folder / "theme.toml").is_file()
    assert (folder / "static" / "css" / "theme.css").is_file()
    assert (folder / "locales" / "zh_CN" / "LC_MESSAGES" / "messages.po").is_file()
    product = (folder / "templates" / "product.html").read_text(encoding="utf-8")
    assert '{% extends "default:product.html" %}' in product
    assert "{% block product_title %}" in product

    assert main(["theme", "check", str(folder)]) == 0
    assert capsys.readouterr().out == f"theme ok: {folder}\n"

    # Not overwritten.
    assert main(["theme", "new", "shop-look", "--dir", str(tmp_path / "themes")]) == 1
    assert "already exists" in capsys.readouterr().err


def test_new_theme_refuses_bad_names_and_unknown_parents(tmp_path, capsys):
    assert main(["theme", "new", "Bad Name", "--dir", str(tmp_path)]) == 2
    assert "name: 'Bad Name' must be lower case" in capsys.readouterr().err
    assert main(["theme", "new", "ok", "--extends", "fancy", "--dir", str(tmp_path)]) == 2
    assert "--extends: unknown theme 'fancy'" in capsys.readouterr().err
    assert not (tmp_path / "ok").exists()


def test_the_builtin_default_theme_passes_check(capsys):
    assert main(["theme", "check", str(builtin_themes_dir() / "default")]) == 0


def test_check_reports_problems_as_file_and_line(tmp_path, capsys):
    folder = write_theme(
        tmp_path / "broken",
        "broken",
        files={
            "templates/product.html": (
                '{% extends "default:product.html" %}\n'
                "{% block product_title %}\n"
                '{{ slot("product.sidebar") }}\n'
                '{{ _("Untranslated words") }}\n'
                "{% endblock %}\n"
            ),
            "templates/cart.html": '{% extends "default:nope.html" %}\n',
            "templates/pages/bad.html": "ok\n{% if %}\n",
            "templates/pages/filters.html": "{{ 1|money }}\n{{ 2|nofilter }}\n",
            "templates/pages/asset.html": "\n{{ asset_url('css/missing.css') }}\n",
            "templates/pages/dynamic.html": "{{ slot(name) }}\n",
            "locales/en/LC_MESSAGES/messages.po": (
                'msgid ""\nmsgstr ""\n\nmsgid "Untranslated words"\nmsgstr ""\n'
            ),
        },
    )
    assert main(["theme", "check", str(folder)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    t = f"{folder}/templates"
    assert lines == [
        f"{folder}/locales/en/LC_MESSAGES/messages.po:4: 'Untranslated words' has an empty msgstr",
        f"{t}/cart.html:1: template 'default:nope.html' is in no theme of the chain",
        f"{t}/pages/asset.html:2: asset 'css/missing.css' is in no theme's static/",
        f"{t}/pages/bad.html:2: Expected an expression, got 'end of statement block'",
        f"{t}/pages/dynamic.html:1: slot() takes a string literal slot name",
        f"{t}/pages/filters.html:2: No filter named 'nofilter'.",
        f"{t}/product.html:3: unknown slot 'product.sidebar' (see `shequ theme slots`)",
        f"{t}/product.html:4: 'Untranslated words' has no zh_CN translation in the chain",
        f"{t}/product.html:4: 'Untranslated words' has no en translation in the chain",
    ]
    assert captured.err == f"9 problem(s) in {folder}\n"


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        (
            '\n[settings.brand_color]\ntype = "color"\ndefault = "red"\nlabel = "x"\n',
            8,
            "settings.brand_color.default: Value error, must be a colour like #e4393c (got 'red')",
        ),
        (
            '\n[settings.brand_color]\ntype = "colour"\ndefault = "#fff"\nlabel = "x"\n',
            7,
            "settings.brand_color.type: Input should be 'color', 'string', 'url' or 'bool' (got 'colour')",
        ),
        ('stylesheets = ["css/none.css"]\n', 5, "stylesheets.0: no such file static/css/none.css"),
        ("colour = 1\n", 5, "colour: unknown key"),
    ],
)
def test_check_reports_theme_toml_keys_with_their_line(tmp_path, capsys, extra, line, message):
    folder = write_theme(tmp_path / "t", "t", extra=extra)
    assert main(["theme", "check", str(folder)]) == 1
    assert capsys.readouterr().out == f"{folder}/theme.toml:{line}: {message}\n"


def test_check_reports_unknown_parent_and_version(tmp_path, capsys):
    folder = write_theme(tmp_path / "t", "t", extends="fancy", shequ=">=9")
    assert main(["theme", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert re.fullmatch(
        rf"{folder}/theme\.toml:4: shequ: the theme needs shequ >=9, this is .*\n", out
    )
    write_theme(folder, "t", extends="fancy")
    assert main(["theme", "check", str(folder)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{folder}/theme.toml:3: extends: unknown theme 'fancy'")


def test_check_uses_plugin_templates_of_the_config(tmp_path, capsys):
    """With a config enabling a plugin, a theme may extend the plugin's templates."""
    (tmp_path / "shequ.toml").write_text(
        '[plugins]\nenabled = ["fullplugin"]\npaths = { fullplugin = "tests.plugins.fullplugin" }\n'
        '[database]\nurl = "sqlite://x.sqlite3"\n',
        encoding="utf-8",
    )
    folder = write_theme(
        tmp_path / "t", "t", files={"templates/notes.html": '{% extends "fullplugin/notes.html" %}'}
    )
    assert main(["theme", "check", str(folder)]) == 0, capsys.readouterr().out
    assert main(["theme", "check", str(folder), "--config", str(tmp_path / "none.toml")]) == 1
