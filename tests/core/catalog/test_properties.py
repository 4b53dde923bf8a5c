"""Property tests: variant validation against a plain oracle; cached prices follow the SKUs."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shequ.core.catalog import products
from shequ.core.catalog.errors import CatalogError
from shequ.core.catalog.inputs import ProductInput, check_variants
from shequ.core.catalog.models import Product, Sku
from shequ.core.shops.scope import shop_scope

ATTRIBUTES = [{"name": "颜色", "values": ["红", "蓝"]}, {"name": "尺码", "values": ["S", "M", "L"]}]
# Candidate specs include wrong keys and values so that invalid inputs are generated too.
spec_value = st.sampled_from(["红", "蓝", "绿", "S", "M", "L"])
specs = st.dictionaries(st.sampled_from(["颜色", "尺码", "材质"]), spec_value, max_size=3)


def oracle_valid(skus: list[dict]) -> bool:
    allowed = {a["name"]: a["values"] for a in ATTRIBUTES}
    seen_codes, seen_combos = set(), set()
    for sku in skus:
        if set(sku["specs"]) != set(allowed):
            return False
        if any(sku["specs"][name] not in values for name, values in allowed.items()):
            return False
        combo = tuple(sorted(sku["specs"].items()))
        if sku["code"] in seen_codes or combo in seen_combos:
            return False
        seen_codes.add(sku["code"])
        seen_combos.add(combo)
    return True


@given(
    st.lists(
        st.fixed_dictionaries({"code": st.sampled_from(["A", "B", "C", "D"]), "specs": specs}),
        min_size=1,
        max_size=6,
    )
)
@example(
    [
        {"code": "A", "specs": {"颜色": "红", "尺码": "S"}},
        {"code": "B", "specs": {"颜色": "蓝", "尺码": "S"}},
    ]
)
@example(
    [
        {"code": "A", "specs": {"颜色": "红", "尺码": "S"}},
        {"code": "B", "specs": {"尺码": "S", "颜色": "红"}},
    ]
)
def test_check_variants_agrees_with_the_oracle(skus):
    data = ProductInput(
        title="t",
        spec_attributes=ATTRIBUTES,
        skus=[{**sku, "price": 100} for sku in skus],
    )
    try:
        check_variants(data)
    except CatalogError as exc:
        assert not oracle_valid(skus), exc
        assert exc.field and exc.field.startswith("skus.")
    else:
        assert oracle_valid(skus)


COMBOS = list(itertools.product(["红", "蓝"], ["S", "M", "L"]))
variants = st.lists(
    st.tuples(
        st.sampled_from(range(len(COMBOS))),
        st.integers(min_value=0, max_value=10**6),
        st.booleans(),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda v: v[0],
)


EXAMPLE = itertools.count()


def product_input(rows, prefix: str) -> dict:
    skus = [
        {
            "code": f"{prefix}V{index}",
            "specs": {"颜色": COMBOS[index][0], "尺码": COMBOS[index][1]},
            "price": price,
            "active": active,
        }
        for index, price, active in rows
    ]
    return {"title": "Tee 衫", "spec_attributes": ATTRIBUTES, "skus": skus}


def expected_prices(rows) -> tuple[int, int]:
    prices = [price for _, price, active in rows if active] or [price for _, price, _ in rows]
    return min(prices), max(prices)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=variants, second=variants)
async def test_cached_prices_follow_the_skus_through_updates(runtime, main_shop, first, second):
    # The examples share one database; SKU codes are unique per shop.
    prefix = f"E{next(EXAMPLE)}-"
    product = await products.create_product(runtime, main_shop.id, product_input(first, prefix))
    with shop_scope(main_shop.id):
        stored = await Product.get(id=product.id)
    assert (stored.min_price, stored.max_price) == expected_prices(first)
    await products.update_product(runtime, main_shop.id, product.id, product_input(second, prefix))
    with shop_scope(main_shop.id):
        stored = await Product.get(id=product.id)
        skus = await Sku.filter(product_id=product.id)
    assert (stored.min_price, stored.max_price) == expected_prices(second)
    kept = {f"{prefix}V{index}" for index, _, _ in second}
    assert {sku.code for sku in skus if sku.active} == {
        f"{prefix}V{index}" for index, _, active in second if active
    }
    assert all(not sku.active for sku in skus if sku.code not in kept)
    assert stored.search_text == "tee 衫 红 蓝 s m l"
