"""Template lookup through the theme chain, plugin template folders and the default theme.

An unprefixed name is looked up in the configured theme, then the themes it extends, then
every plugin's template folders (``shequ_template_dirs``), then the default theme. A prefixed
name (``"default:product.html"``) addresses one theme of the chain, which is how a child
theme extends the very template it overrides and replaces a single block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from shequ.core.storefront import i18n
from shequ.core.storefront.themes import ThemeChain

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

PREFIX_DELIMITER = ":"
# The render context key holding the page language (set by the engine on every render).
LANGUAGE_VAR = "lang"


def plugin_template_dirs(runtime: Runtime) -> list[Path]:
    """Every enabled plugin's template folders, in plugin call order."""
    folders: list[Path] = []
    for tagged in runtime.hooks.setup_sync("shequ_template_dirs"):
        folders.extend(Path(folder) for folder in tagged.value)
    return folders


def template_loader(chain: ThemeChain, plugin_dirs: Sequence[Path] = ()) -> BaseLoader:
    by_theme = {t.name: FileSystemLoader(t.templates_dir) for t in chain.themes}
    in_order = [
        *(FileSystemLoader(t.templates_dir) for t in chain.themes[:-1]),
        *(FileSystemLoader(folder) for folder in plugin_dirs),
        FileSystemLoader(chain.default.templates_dir),
    ]
    # The prefix loader goes first: "default:x.html" must never reach a folder lookup.
    return ChoiceLoader([PrefixLoader(by_theme, delimiter=PREFIX_DELIMITER), *in_order])


def build_environment(
    chain: ThemeChain,
    plugin_dirs: Sequence[Path] = (),
    *,
    auto_reload: bool = False,
    currency: str = "CNY",
    language: str = "zh_CN",
) -> SandboxedEnvironment:
    """A sandboxed, always-autoescaping async environment with the i18n extension and the
    ``money``, ``datetime`` and ``date`` filters (in the page's ``lang``, else ``language``).

    The sandbox refuses ``_private`` and interpreter-internal attributes, so a template
    cannot walk from a function or an object to settings and secrets it was not given.
    """
    env = SandboxedEnvironment(
        loader=template_loader(chain, plugin_dirs),
        autoescape=True,
        enable_async=True,
        auto_reload=auto_reload,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]

    def language_of(context: Context) -> str:
        return context.get(LANGUAGE_VAR) or language

    @pass_context
    def money(context: Context, fen: int, currency_code: str | None = None) -> str:
        return i18n.format_money(fen, currency_code or currency, language_of(context))

    @pass_context
    def datetime_filter(context: Context, value: dt.datetime, format: str = "medium") -> str:
        return i18n.format_local_datetime(value, language_of(context), format)

    @pass_context
    def date_filter(context: Context, value: dt.date, format: str = "medium") -> str:
        return i18n.format_local_date(value, language_of(context), format)

    env.filters.update(money=money, datetime=datetime_filter, date=date_filter)
    return env
