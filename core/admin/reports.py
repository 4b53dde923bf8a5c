"""Dashboard numbers: sales, paid orders and top products of the last N days.

Run inside the shop's scope. An order counts on the Beijing-time day it was paid, with the
amount paid; refunds are reported beside it (they happen on other days). Products rank by
what was paid for their lines net of refunds. The rows of the window are summed here rather
than in SQL, since grouping by a local calendar day is different SQL on every database; a
month of one shop's orders is small.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from shequ.core.admin.rendering import CHINA_TIME
from shequ.core.orders.models import Order, OrderLine
from shequ.core.payments.models import Refund, RefundState

WINDOW_DAYS = 30
TOP_PRODUCTS = 5


@dataclass
class Day:
    day: dt.date
    sales: int = 0  # fen paid that day
    orders: int = 0  # orders paid that day


@dataclass
class ProductSales:
    product_id: int
    title: str
    quantity: int = 0
    revenue: int = 0  # fen paid for its lines, net of refunds


@dataclass
class SalesReport:
    days: list[Day]
    top: list[ProductSales]
    refunded: int
    currency: str
    since: dt.datetime
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def sales(self) -> int:
        return sum(day.sales for day in self.days)

    @property
    def orders(self) -> int:
        return sum(day.orders for day in self.days)


async def sales_report(
    currency: str, *, now: dt.datetime | None = None, days: int = WINDOW_DAYS
) -> SalesReport:
    """The last ``days`` Beijing-time days up to and including today."""
    today = (now or dt.datetime.now(dt.UTC)).astimezone(CHINA_TIME).date()
    first = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(first, dt.time(), tzinfo=CHINA_TIME)
    by_day = {first + dt.timedelta(days=i): Day(first + dt.timedelta(days=i)) for i in range(days)}

    paid = await Order.filter(paid_at__gte=since).values_list("paid_at", "paid_amount")
    for paid_at, amount in paid:
        bucket = by_day.get(paid_at.astimezone(CHINA_TIME).date())
        if bucket is not None:  # a clock-skewed future payment is not "today"
            bucket.sales += amount
            bucket.orders += 1

    products: dict[int, ProductSales] = {}
    lines = await OrderLine.filter(order__paid_at__gte=since).values_list(
        "product_id", "title", "quantity", "line_total", "refunded_amount", "refunded_quantity"
    )
    for product_id, title, quantity, total, refunded, refunded_quantity in lines:
        entry = products.setdefault(product_id, ProductSales(product_id, title))
        entry.title = title
        entry.quantity += quantity - refunded_quantity
        entry.revenue += total - refunded
    top = sorted(
        (entry for entry in products.values() if entry.revenue > 0),
        key=lambda entry: (-entry.revenue, -entry.quantity, entry.product_id),
    )[:TOP_PRODUCTS]

    refunded = sum(
        await Refund.filter(state=RefundState.SUCCEEDED, updated_at__gte=since).values_list(
            "amount", flat=True
        )
    )
    return SalesReport(list(by_day.values()), top, refunded, currency, since)
