"""Storefront languages: .po catalogs of the theme chain, language choice, money and dates.

Catalogs are plain ``.po`` files (``locales/<lang>/LC_MESSAGES/messages.po``); they are read
with Babel at start-up and compiled in memory, so no ``.mo`` file is ever committed. A child
theme's translation of a message replaces its parent's.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, get_timezone
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, get_currency_precision, get_currency_symbol
from babel.support import NullTranslations, Translations

from shequ.core.storefront.themes import Theme, ThemeChain

LANG_COOKIE = "SHEQU_LANG"
LANG_QUERY = "lang"
# The languages the platform speaks (PlatformSettings.language); shown in their own script.
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}
CATALOG_FILE = Path("LC_MESSAGES") / "messages.po"
# Settings have no time zone yet; buyers and sellers are in China.
DISPLAY_TIMEZONE = "Asia/Shanghai"
# Buyers read "¥" for yuan in every language (Babel's English says "CN¥").
DISPLAY_SYMBOLS = {"CNY": "¥"}


def catalog_path(theme: Theme, language: str) -> Path:
    return theme.locales_dir / language / CATALOG_FILE


def theme_languages(theme: Theme) -> list[str]:
    """Languages the theme ships a catalog for."""
    if not theme.locales_dir.is_dir():
        return []
    return sorted(p.name for p in theme.locales_dir.iterdir() if (p / CATALOG_FILE).is_file())


def read_catalog(path: Path, language: str) -> Catalog:
    """Parse one ``.po`` file; a syntax error raises Babel's ``PoFileError`` (with lineno)."""
    with path.open("rb") as handle:
        return read_po(handle, locale=language, abort_invalid=True)


def compile_catalog(catalog: Catalog) -> Translations:
    """gettext translations from a parsed catalog, without writing a ``.mo`` file."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy and empty entries are left out, as msgfmt does
    buffer.seek(0)
    return Translations(fp=buffer)


def load_translations(chain: ThemeChain, languages: Iterable[str]) -> dict[str, NullTranslations]:
    """One merged catalog per language; a child's translation overrides its parent's."""
    result: dict[str, NullTranslations] = {}
    for language in languages:
        merged: Translations | None = None
        for theme in reversed(chain.themes):
            path = catalog_path(theme, language)
            if path.is_file():
                compiled = compile_catalog(read_catalog(path, language))
                # The first catalog keeps its plural rule; later ones only add messages.
                merged = compiled if merged is None else merged.merge(compiled)
        result[language] = merged if merged is not None else NullTranslations()
    return result


def parse_accept_language(header: str) -> list[str]:
    """Language tags of an ``Accept-Language`` header, most preferred first."""
    weighted = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def match_language(tag: str, supported: Iterable[str]) -> str | None:
    """``zh-CN``/``zh_cn`` -> ``zh_CN``; a bare or other-region ``zh`` -> the first ``zh_*``."""
    wanted = tag.replace("-", "_").lower()
    supported = list(supported)
    for code in supported:
        if code.lower() == wanted:
            return code
    base = wanted.split("_")[0]
    for code in supported:
        if code.lower().split("_")[0] == base:
            return code
    return None


def choose_language(
    *,
    query: str | None,
    cookie: str | None,
    customer_language: str | None,
    accept_language: str,
    supported: list[str],
    default: str,
) -> tuple[str, bool]:
    """The page language and whether it came from ``?lang=`` (then it is remembered).

    Order: ``?lang=``, the ``SHEQU_LANG`` cookie, the signed-in customer's language,
    ``Accept-Language``, the platform's language.
    """
    if query and query in supported:
        return query, True
    for choice in (cookie, customer_language):
        if choice and choice in supported:
            return choice, False
    for tag in parse_accept_language(accept_language):
        found = match_language(tag, supported)
        if found:
            return found, False
    return default, False


def format_money(fen: int, currency: str, language: str) -> str:
    """``1230, "CNY"`` -> ``"¥12.30"``: integer minor units, formatted for the language."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"money is integer fen, not {type(fen).__name__} ({fen!r})")
    locale = _locale(language)
    digits = get_currency_precision(currency)
    text = format_currency(Decimal(fen).scaleb(-digits), currency, locale=locale)
    symbol = DISPLAY_SYMBOLS.get(currency)
    if symbol is not None:
        text = text.replace(get_currency_symbol(currency, locale=locale), symbol)
    return text


@functools.lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    # Parsing a locale costs ~0.4 ms; a product page formats a dozen prices.
    return Locale.parse(language)


def _aware(value: dt.datetime) -> dt.datetime:
    # The database stores UTC; a naive value is taken to be UTC too.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def format_local_datetime(value: dt.datetime, language: str, format: str = "medium") -> str:
    return format_datetime(
        _aware(value), format, tzinfo=get_timezone(DISPLAY_TIMEZONE), locale=language
    )


def format_local_date(value: dt.date | dt.datetime, language: str, format: str = "medium") -> str:
    if isinstance(value, dt.datetime):
        value = _aware(value).astimezone(get_timezone(DISPLAY_TIMEZONE)).date()
    return format_date(value, format, locale=language)
