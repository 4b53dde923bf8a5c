"""The shop dashboard: the last 30 days as charts."""

from __future__ import annotations

from aiohttp import web

from shequ.core.admin import charts
from shequ.core.admin.guard import ShopAccess, shop_page
from shequ.core.admin.money import format_money, short_money
from shequ.core.admin.rendering import render
from shequ.core.admin.reports import sales_report
from shequ.core.appkeys import RUNTIME
from shequ.core.orders.models import Order, OrderState


@shop_page()
async def dashboard(request: web.Request, access: ShopAccess) -> web.Response:
    currency = request.app[RUNTIME].settings.platform.currency
    report = await sales_report(currency)

    def money(fen: int) -> str:
        return format_money(fen, currency)

    def axis(fen: int) -> str:
        return short_money(fen, currency)

    days = [
        charts.Point(day.day.strftime("%m-%d"), day.sales, day.day.isoformat())
        for day in report.days
    ]
    orders = [
        charts.Point(day.day.strftime("%m-%d"), day.orders, day.day.isoformat())
        for day in report.days
    ]
    top = [
        charts.Point(
            product.title if len(product.title) <= 24 else product.title[:23] + "…",
            product.revenue,
            f"{product.title} ×{product.quantity}",
        )
        for product in report.top
    ]
    context = {
        "report": report,
        "sales_chart": charts.column_chart(
            days, title="近30天每日销售额", fmt=money, axis_fmt=axis
        ),
        "orders_chart": charts.line_chart(orders, title="近30天每日付款订单数"),
        "top_chart": charts.bar_chart(top, title="近30天热销商品前5名", fmt=money),
        "to_ship": await Order.filter(state=OrderState.PAID).count(),
        "awaiting_payment": await Order.filter(state=OrderState.PENDING_PAYMENT).count(),
    }
    return await render(request, "dashboard.html", context)
