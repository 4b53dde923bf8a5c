"""Languages: catalogs, the language switch, money and dates."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shequ.core.appkeys import RUNTIME
from shequ.core.storefront.engine import storefront_of
from shequ.core.storefront.i18n import (
    LANG_COOKIE,
    choose_language,
    format_local_date,
    format_local_datetime,
    format_money,
    parse_accept_language,
)

SUPPORTED = ["zh_CN", "en"]


def heading(html: str) -> str:
    return re.search(r"<h2>(.*?)</h2>", html).group(1)


async def test_platform_language_is_the_default(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    response = await client.get("/")
    assert heading(await response.text()) == "商品"
    assert response.headers["Content-Language"] == "zh-CN"
    assert LANG_COOKIE not in response.cookies


async def test_query_switches_language_and_the_cookie_remembers_it(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    response = await client.get("/?lang=en")
    html = await response.text()
    assert heading(html) == "Products"
    assert '<html lang="en">' in html
    cookie = response.cookies[LANG_COOKIE]
    assert cookie.value == "en" and cookie["httponly"] and cookie["samesite"] == "Lax"
    # The client sends the cookie back: still English without the query.
    assert heading(await (await client.get("/")).text()) == "Products"
    # And the switch offers the way back.
    assert '<a href="/?lang=zh_CN" lang="zh-CN">中文</a>' in html


async def test_accept_language_is_used_without_a_choice(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    english = await client.get("/", headers={"Accept-Language": "en-US,en;q=0.9,zh;q=0.1"})
    assert heading(await english.text()) == "Products"
    chinese = await client.get("/", headers={"Accept-Language": "zh-TW,en;q=0.5"})
    assert heading(await chinese.text()) == "商品"


async def test_unknown_language_is_ignored(aiohttp_client, make_app):
    client = await aiohttp_client(make_app({"platform": {"language": "en"}}))
    response = await client.get("/?lang=fr", headers={"Accept-Language": "de"})
    assert heading(await response.text()) == "Products"  # the platform's language
    assert LANG_COOKIE not in response.cookies


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"query": "en", "cookie": "zh_CN"}, ("en", True)),
        ({"cookie": "en", "customer_language": "zh_CN"}, ("en", False)),
        ({"customer_language": "en", "accept_language": "zh-CN"}, ("en", False)),
        ({"cookie": "xx", "accept_language": "en-GB"}, ("en", False)),
        ({"accept_language": "fr, en;q=0.2, zh;q=0.8"}, ("zh_CN", False)),
        ({"accept_language": "fr"}, ("zh_CN", False)),
        ({"accept_language": "en;q=0"}, ("zh_CN", False)),
    ],
)
def test_language_choice_order(kwargs, expected):
    arguments = {"query": None, "cookie": None, "customer_language": None, "accept_language": ""}
    arguments.update(kwargs)
    assert choose_language(**arguments, supported=SUPPORTED, default="zh_CN") == expected


def test_accept_language_parsing():
    header = "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5, bad;q=x"
    assert parse_accept_language(header) == ["fr-CH", "fr", "en", "de"]


@pytest.mark.parametrize(
    ("fen", "currency", "language", "expected"),
    [
        (1230, "CNY", "zh_CN", "¥12.30"),
        (1230, "CNY", "en", "¥12.30"),
        (0, "CNY", "zh_CN", "¥0.00"),
        (123456789, "CNY", "zh_CN", "¥1,234,567.89"),
        (-550, "CNY", "zh_CN", "-¥5.50"),
        (1230, "USD", "en", "$12.30"),
        (1230, "JPY", "en", "¥1,230"),
    ],
)
def test_money_is_integer_fen_formatted_for_the_language(fen, currency, language, expected):
    assert format_money(fen, currency, language) == expected


@pytest.mark.parametrize("value", [12.3, Decimal("12.30"), "1230", True])
def test_money_refuses_anything_but_integer_fen(value):
    with pytest.raises(TypeError, match="money is integer fen"):
        format_money(value, "CNY", "zh_CN")


@given(fen=st.integers(min_value=-(10**12), max_value=10**12), language=st.sampled_from(SUPPORTED))
def test_formatted_money_reads_back_as_the_same_fen(fen, language):
    text = format_money(fen, "CNY", language)
    assert text.startswith("-¥" if fen < 0 else "¥")
    digits = text.lstrip("-¥").replace(",", "")
    whole, fraction = digits.split(".")
    assert len(fraction) == 2
    assert int(whole) * 100 + int(fraction) == abs(fen)


async def test_money_and_date_filters_follow_the_page_language(theme_app):
    app = theme_app({"templates/pages/x.html": "{{ 1230|money }} {{ when|datetime }}"})
    storefront = storefront_of(app[RUNTIME])
    when = dt.datetime(2024, 5, 1, 3, 4, tzinfo=dt.UTC)
    zh = await storefront.render_template("pages/x.html", {"when": when}, language="zh_CN")
    en = await storefront.render_template("pages/x.html", {"when": when}, language="en")
    assert zh == "¥12.30 2024年5月1日 11:04:00"  # shown in China's time zone
    assert en == "¥12.30 May 1, 2024, 11:04:00\u202fAM"


def test_dates_in_the_locale():
    naive = dt.datetime(2024, 12, 31, 20, 0)  # UTC from the database
    assert format_local_date(naive, "zh_CN") == "2025年1月1日"
    assert format_local_date(dt.date(2024, 5, 1), "en") == "May 1, 2024"
    assert format_local_datetime(naive, "zh_CN", "short") == "2025/1/1 04:00"


async def test_child_catalog_overrides_the_parents_translation(theme_app):
    po = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Products"\nmsgstr "好货"\n'
    )
    app = theme_app({"locales/zh_CN/LC_MESSAGES/messages.po": po})
    html = await storefront_of(app[RUNTIME]).render_template("home.html", {"products": []})
    assert heading(html) == "好货"
    assert "还没有上架的商品。" in html  # the rest still comes from the default catalog
