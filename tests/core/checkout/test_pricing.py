"""Pricing: prices from the database, adjustments tagged with their plugin, clamping, and the
per-shop breakdown of the cart preview."""

from __future__ import annotations

import pytest

from shequ.core.checkout.pricing import DraftLine, OrderDraft, price_draft
from shequ.core.hooktypes import Adjustment
from shequ.core.orders.errors import Invalid, PricingError
from tests.core.orders.commerce import (
    ADDRESS,
    bearer,
    make_customer,
    make_shop,
    make_sku,
    plugin,
    with_plugins,
)


def draft(*lines: tuple[int, int, int]) -> OrderDraft:
    """Lines of (sku_id, unit_price, quantity)."""
    return OrderDraft(
        shop_id=1,
        customer_id=7,
        currency="CNY",
        lines=[
            DraftLine(sku_id=s, product_id=s, title=f"p{s}", specs={}, unit_price=p, quantity=q)
            for s, p, q in lines
        ],
    )


def returning(adjustments: list):
    def shequ_price_adjustments(draft):
        return adjustments

    return shequ_price_adjustments


async def priced(make_runtime, adjustments_by_plugin: dict, the_draft: OrderDraft) -> OrderDraft:
    modules = [
        plugin(name, shequ_price_adjustments=returning(adjs))
        for name, adjs in adjustments_by_plugin.items()
    ]
    runtime = make_runtime(**with_plugins(*modules))
    async with runtime.running(run_jobs=False):
        return await price_draft(runtime, the_draft)


async def test_adjustments_are_tagged_with_their_plugin_and_explain_the_total(make_runtime):
    result = await priced(
        make_runtime,
        {
            "coupons": [Adjustment("coupon", "满100减10", -1000)],
            "vip": [Adjustment("vip", "会员价", -300, line_key="11", plugin="forged-name")],
        },
        draft((11, 5000, 2), (12, 2500, 1)),
    )
    assert result.subtotal == 12500
    assert [(a.plugin, a.code, a.amount, a.line_key) for a in result.adjustments] == [
        ("vip", "vip", -300, "11"),  # pluggy calls the last registered plugin first
        ("coupons", "coupon", -1000, None),
    ]
    assert result.lines[0].line_total == 9700 and result.lines[1].line_total == 2500
    assert result.total == result.subtotal + sum(a.amount for a in result.adjustments) == 11200


async def test_a_discount_larger_than_the_line_is_clamped_and_recorded(make_runtime):
    result = await priced(
        make_runtime,
        {"deals": [Adjustment("free", "买一送一", -9999, line_key="11")]},
        draft((11, 300, 2), (12, 100, 1)),
    )
    (adj,) = result.adjustments
    assert (adj.amount, adj.requested_amount, adj.clamped) == (-600, -9999, True)
    assert result.lines[0].line_total == 0
    assert result.total == 100


async def test_order_level_discounts_never_take_the_total_below_zero(make_runtime):
    result = await priced(
        make_runtime,
        {
            "fees": [Adjustment("shipping", "运费", 800)],
            "coupons": [Adjustment("coupon", "大额券", -5000), Adjustment("coupon2", "再减", -10)],
        },
        draft((11, 1000, 1)),
    )
    by_code = {a.code: a for a in result.adjustments}
    # coupons run first (registered last): -5000 is clamped to what is left (1000); then the
    # second coupon has nothing left to take; shipping is added after.
    assert (by_code["coupon"].amount, by_code["coupon"].requested_amount) == (-1000, -5000)
    assert (by_code["coupon2"].amount, by_code["coupon2"].requested_amount) == (0, -10)
    assert result.total == 800 == result.subtotal + result.adjustments_total


@pytest.mark.parametrize(
    "bad",
    [
        Adjustment("x", "no such line", -1, line_key="999"),
        Adjustment("x", "float money", 1.5),  # type: ignore[arg-type]
        Adjustment("x", "bool money", True),  # type: ignore[arg-type]
        {"code": "x", "amount": -1},
    ],
)
async def test_malformed_adjustments_are_plugin_errors(make_runtime, bad):
    with pytest.raises(PricingError, match="badplugin"):
        await priced(make_runtime, {"badplugin": [bad]}, draft((11, 1000, 1)))


async def test_pricing_is_repeatable_on_the_same_draft(make_runtime):
    coupons = plugin("coupons", shequ_price_adjustments=lambda: [Adjustment("c", "券", -100)])
    runtime = make_runtime(**with_plugins(coupons))
    async with runtime.running(run_jobs=False):
        the_draft = draft((11, 1000, 1))
        await price_draft(runtime, the_draft)
        await price_draft(runtime, the_draft)  # adjustments are replaced, not accumulated
        assert [a.amount for a in the_draft.adjustments] == [-100] and the_draft.total == 900


async def test_amounts_beyond_the_money_columns_are_refused(runtime):
    with pytest.raises(Invalid) as caught:
        await price_draft(runtime, draft((11, 2_000_000_000, 2)))
    assert caught.value.code == "amount_too_large"


async def test_cart_preview_shows_each_shops_breakdown(commerce_app):
    coupons = plugin(
        "coupons", shequ_price_adjustments=lambda draft: [Adjustment("coupon", "店铺券", -200)]
    )
    client, runtime = await commerce_app(**with_plugins(coupons, enable=("shipping",)))
    a, b = await make_shop(), await make_shop()
    cheap, dear = await make_sku(a, price=1500), await make_sku(b, price=12000)
    gone = await make_sku(a, stock=0)
    headers = await bearer(await make_customer())
    for sku in (cheap, dear):
        await client.post(
            "/api/v1/cart/lines", json={"sku_id": sku.id, "quantity": 1}, headers=headers
        )
    from shequ.core.checkout.models import CartLine

    await CartLine.create(
        cart_id=(await CartLine.first()).cart_id, sku_id=gone.id, shop_id=a.id, quantity=1
    )
    response = await client.get("/api/v1/cart/preview", headers=headers)
    assert response.status == 200
    body = await response.json()
    shops = {shop["shop_id"]: shop for shop in body["shops"]}
    assert [(x["plugin"], x["code"], x["amount"]) for x in shops[a.id]["adjustments"]] == [
        ("coupons", "coupon", -200),
        ("shipping", "shipping", 1000),  # below 99.00: the flat fee
    ]
    assert shops[a.id]["total"] == 1500 - 200 + 1000
    assert [(x["plugin"], x["amount"]) for x in shops[b.id]["adjustments"]] == [("coupons", -200)]
    assert body["total"] == shops[a.id]["total"] + shops[b.id]["total"]
    assert body["problems"] == [
        {
            "line_id": body["problems"][0]["line_id"],
            "sku_id": gone.id,
            "problem": "insufficient_stock",
        }
    ]
    assert ADDRESS  # the preview works before an address is chosen
