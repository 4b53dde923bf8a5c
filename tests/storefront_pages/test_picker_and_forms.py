"""The SKU picker finds every SKU again from the buyer's radios; form helpers are strict."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shequ.core.catalog.schemas import ProductDetail, ShopView, SkuView, SpecAttributeView
from shequ.core.storefront.pages.forms import positive_int, yuan_to_fen
from shequ.core.storefront.pages.listing_params import ListingParams, page_links
from shequ.core.storefront.pages.picker import build_picker, chosen_sku, spec_field

VALUE = st.text(alphabet="红蓝绿SMLX0123", min_size=1, max_size=3)


@st.composite
def products(draw) -> ProductDetail:
    attributes = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["颜色", "尺码", "规格"]),
                st.lists(VALUE, min_size=1, max_size=4, unique=True),
            ),
            max_size=3,
            unique_by=lambda a: a[0],
        )
    )
    combos = list(itertools.product(*[values for _, values in attributes]))
    stocks = draw(st.lists(st.integers(0, 5), min_size=len(combos), max_size=len(combos)))
    skus = [
        SkuView(
            id=100 + i,
            code=f"C{i}",
            specs={name: value for (name, _), value in zip(attributes, combo, strict=True)},
            price=1000 + i,
            currency="CNY",
            stock=stock,
        )
        for i, (combo, stock) in enumerate(zip(combos, stocks, strict=True))
    ]
    return ProductDetail(
        id=1,
        shop_id=1,
        title="T",
        subtitle="",
        min_price=1000,
        max_price=1000 + len(skus),
        currency="CNY",
        cover_url="",
        sales_count=0,
        featured=False,
        description_html="",
        spec_attributes=[SpecAttributeView(name=n, values=v) for n, v in attributes],
        skus=skus,
        images=[],
        shop=ShopView(id=1, slug="s", name="S"),
    )


def form_for(product: ProductDetail, sku: SkuView) -> dict[str, str]:
    return {
        spec_field(i): sku.specs[attribute.name]
        for i, attribute in enumerate(product.spec_attributes)
    }


@given(products())
def test_every_sku_is_found_from_its_radios(product):
    for sku in product.skus:
        assert chosen_sku(product, form_for(product, sku)) == sku
        # The radios win over a stale sku_id.
        stale = {**form_for(product, sku), "sku_id": str(product.skus[0].id)}
        if product.spec_attributes:
            assert chosen_sku(product, stale) == sku


@given(products())
def test_the_picker_checks_exactly_one_value_per_group(product):
    picker = build_picker(product)
    for group in picker.groups:
        assert sum(choice.checked for choice in group.choices) == 1
    assert sum(v.selected for v in picker.variants) == 1
    in_stock = [sku for sku in product.skus if sku.stock > 0]
    expected = in_stock[0] if in_stock else product.skus[0]
    assert picker.selected.sku_id == expected.id
    # The checked values name the selected SKU.
    checked = {
        spec_field(i): next(c.value for c in g.choices if c.checked)
        for i, g in enumerate(picker.groups)
    }
    if product.spec_attributes:
        assert chosen_sku(product, checked).id == expected.id


@given(products())
def test_unknown_combinations_and_foreign_ids_find_nothing(product):
    if product.spec_attributes:
        odd = {spec_field(i): "不存在" for i in range(len(product.spec_attributes))}
        assert chosen_sku(product, odd) is None
    assert chosen_sku(product, {"sku_id": "99999"}) is None
    assert chosen_sku(product, {"sku_id": "１００"}) is None  # ASCII digits only


@given(st.integers(min_value=0, max_value=99_999_999))
def test_yuan_amounts_read_back_as_exact_fen(fen):
    assert yuan_to_fen(f"{fen // 100}.{fen % 100:02d}") == fen
    if fen % 10 == 0:
        assert yuan_to_fen(f"{fen // 100}.{fen % 100 // 10}") == fen


@pytest.mark.parametrize("text", ["", "1.234", "-1", "1e3", "1,00", " ", "１２", "NaN", "0x10"])
def test_yuan_refuses_anything_but_plain_amounts(text):
    assert yuan_to_fen(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("999", 999),
        ("0", None),
        ("-1", None),
        ("1.0", None),
        ("x", None),
        ("", None),
        ("1" * 12, None),
    ],
)
def test_positive_int(value, expected):
    assert positive_int({"n": value}, "n") == expected


def test_listing_params_and_pager():
    assert ListingParams.of({"sort": "newest", "page": "3"}) == ListingParams("newest", 3)
    assert ListingParams.of({"sort": "evil", "page": "0"}) == ListingParams("default", 1)
    links = page_links("/s/x", {"sort": "sales"}, 5, 9)
    assert [link.number for link in links] == [3, 4, 5, 6, 7]
    assert links[2].current and links[0].url == "/s/x?sort=sales&page=3"
    assert page_links("/s/x", {}, 1, 1) == []
