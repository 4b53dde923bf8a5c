"""Helpers for storefront tests: throw-away themes and template-only plugins."""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path

import pytest

from shequ.core import hookimpl

MANIFEST = """\
name = "{name}"
version = "0.1.0"
{extends}
shequ = "{shequ}"
{extra}
"""


def write_theme(
    folder: Path,
    name: str = "child",
    *,
    extends: str | None = "default",
    shequ: str = ">=0.1,<1",
    extra: str = "",
    files: dict[str, str] | None = None,
) -> Path:
    """A theme folder: ``theme.toml`` and ``files`` (paths relative to the folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    parent = f'extends = "{extends}"' if extends else ""
    (folder / "theme.toml").write_text(
        MANIFEST.format(name=name, extends=parent, shequ=shequ, extra=extra), encoding="utf-8"
    )
    for relative, text in (files or {}).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def make_plugin(name: str, **hooks: Callable) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


def template_plugin(name: str, folder: Path) -> types.ModuleType:
    def shequ_template_dirs():
        return [folder]

    return make_plugin(name, shequ_template_dirs=shequ_template_dirs)


@pytest.fixture
def theme_app(make_app, tmp_path):
    """``theme_app(files, extends=..., options=..., plugins={name: module})``: an app using a
    throw-away theme called ``child``."""

    def build(files=None, *, plugins=None, options=None, **theme):
        folder = write_theme(tmp_path / "child", files=files, **theme)
        config = {"theme": {"path": str(folder), "options": options or {}}}
        if plugins:
            config["plugins"] = {"enabled": list(plugins)}
        return make_app(config, extra_plugins=plugins)

    return build
