"""The default commission rules: a rate per level, overridden per product or per category."""

from __future__ import annotations

from typing import Any

from shequ.core import hookimpl
from shequ.core.catalog.models import Product
from shequ.core.distribution.paid_share import line_bases, percent_of
from shequ.core.distribution.settings import PLUGIN, DistributionSettings
from shequ.core.hooktypes import CommissionLine


@hookimpl
async def shequ_commission_plan(runtime, order: Any, chain: list[int]) -> list[CommissionLine]:
    settings = await runtime.plugin_settings.for_shop(PLUGIN, order.shop_id)
    assert isinstance(settings, DistributionSettings)
    lines = sorted(order.lines, key=lambda line: line.id)
    bases = line_bases(lines, order.adjustments)
    categories = dict(
        await Product.filter(id__in=[line.product_id for line in lines]).values_list(
            "id", "category_id"
        )
    )
    plan = []
    for line in lines:
        rates, source = settings.rates_for(line.product_id, categories.get(line.product_id))
        for level, beneficiary in enumerate(chain[: settings.levels], start=1):
            rate = rates[level - 1]
            amount = percent_of(bases[line.id], rate)
            if amount > 0:
                plan.append(
                    CommissionLine(
                        beneficiary_id=beneficiary,
                        level=level,
                        order_line_id=line.id,
                        amount=amount,
                        rule=f"{source} rate, level {level}: {rate}%",
                        rate_percent=float(rate),
                    )
                )
    return plan
