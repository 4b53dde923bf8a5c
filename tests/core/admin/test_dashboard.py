"""The dashboard's charts show exactly the orders of the test, and nothing of other shops."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from hypothesis import given
from hypothesis import strategies as st

from shequ.core.accounts.service import OWNER
from shequ.core.admin import charts
from shequ.core.admin.rendering import CHINA_TIME
from shequ.core.payments.refunds import refund_order
from tests.core.admin.support import make_person, make_product, make_shop, paid_order, place

MARK = re.compile(r'class="mark"[^>]*data-label="([^"]*)" data-value="(-?\d+)"')


def chart_values(html: str, chart_id: str) -> dict[str, int]:
    section = html.split(f'id="{chart_id}"', 1)[1].split("</svg>", 1)[0]
    return {unescape(label): int(value) for label, value in MARK.findall(section)}


async def test_dashboard_numbers_match_the_orders(admin_app, browsers):
    client, runtime = await admin_app()
    shop, other_shop = await make_shop(), await make_shop()
    apple = await make_product(runtime, shop, title="苹果", price=1000)
    pear = await make_product(runtime, shop, title="梨 <b>", price=2500)
    plum = await make_product(runtime, shop, title="李子", price=300)
    elsewhere = await make_product(runtime, other_shop, title="别家的桃", price=99_900)
    buyer = (await make_person()).customer
    await paid_order(runtime, buyer, (apple, 2))  # 2000
    pear_order = await paid_order(runtime, buyer, (pear, 1))  # 2500, 500 refunded below
    await paid_order(runtime, buyer, (plum, 3), (apple, 1))  # 900 + 1000
    await place(runtime, buyer, (apple, 5))  # unpaid: not a sale
    await paid_order(runtime, buyer, (elsewhere, 1))  # another shop's sale
    await refund_order(runtime, shop.id, pear_order.id, actor="test", amount=500)

    owner = await make_person(OWNER, shop)
    browser = browsers(client)
    await browser.login(owner.email)
    status, html = await browser.get(f"/admin/shops/{shop.id}/")
    assert status == 200

    today = dt.datetime.now(CHINA_TIME).date().isoformat()
    sales = chart_values(html, "sales-chart")
    orders = chart_values(html, "orders-chart")
    assert len(sales) == len(orders) == 30
    assert sales[today] == 2000 + 2500 + 1900
    assert orders[today] == 3
    assert sum(sales.values()) == sales[today] and sum(orders.values()) == 3
    top = chart_values(html, "top-chart")
    # Ranked by what was paid net of refunds; labels carry the units sold.
    assert list(top.items()) == [
        ("苹果 ×3", 3000),
        ("梨 <b> ×1", 2000),
        ("李子 ×3", 900),
    ]
    assert "<b> ×1" not in html  # product titles are escaped inside the SVG
    assert "¥64.00" in html  # total sales
    assert "¥5.00" in html  # refunded


async def test_empty_dashboard_renders(admin_app, browsers):
    client, _ = await admin_app()
    shop = await make_shop()
    owner = await make_person(OWNER, shop)
    browser = browsers(client)
    await browser.login(owner.email)
    status, html = await browser.get(f"/admin/shops/{shop.id}/")
    assert status == 200
    assert set(chart_values(html, "sales-chart").values()) == {0}
    assert chart_values(html, "top-chart") == {}
    assert "暂无数据" in html


@given(st.integers(min_value=0, max_value=10**12))
def test_nice_ceiling_is_the_smallest_1_2_5_step_at_or_above(value):
    ceiling = charts.nice_ceiling(value)
    assert ceiling >= max(1, value)
    digits = str(ceiling)
    assert digits[0] in "125" and set(digits[1:]) <= {"0"}
    smaller = [
        step * 10**k for k in range(len(digits)) for step in (1, 2, 5) if step * 10**k < ceiling
    ]
    assert all(candidate < value for candidate in smaller)


@given(st.lists(st.integers(min_value=0, max_value=2**31 - 1), min_size=1, max_size=40))
def test_every_chart_carries_each_value_exactly(values):
    points = [charts.Point(f"d{i}", value) for i, value in enumerate(values)]
    for render in (charts.column_chart, charts.line_chart, charts.bar_chart):
        svg = str(render(points, title="t"))
        assert [int(v) for _, v in MARK.findall(svg)] == values
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        # No mark is taller or wider than the plot: heights/widths never exceed the box.
        assert "-" not in "".join(re.findall(r'(?:height|width)="([^"]+)"', svg))


def test_axis_money_labels_are_short_and_exact():
    from shequ.core.admin.money import short_money

    assert [short_money(f) for f in (0, 2500, 1250, 99, 1_000_000, 2_500_000)] == [
        "¥0",
        "¥25",
        "¥12.50",
        "¥0.99",
        "¥1万",
        "¥2.5万",
    ]


def test_axis_ticks_are_round_and_distinct():
    tick = re.compile(r'text-anchor="end">([^<]*)<')
    for top, expected in [
        (1, ["0", "1"]),
        (2, ["0", "1", "2"]),
        (3, ["0", "1", "2", "3", "4", "5"]),
        (2000, ["0", "500", "1000", "1500", "2000"]),
        (4500, ["0", "1000", "2000", "3000", "4000", "5000"]),
    ]:
        svg = str(charts.column_chart([charts.Point("a", top)], title="t"))
        assert tick.findall(svg) == expected, top
