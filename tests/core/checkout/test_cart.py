"""The cart: lines across shops, quantity and availability checks, the validate hook, guest
carts merged at login. Every refusal is a clear 4xx JSON error that changes nothing."""

from __future__ import annotations

import pytest

from shequ.core.checkout import cart as carts
from shequ.core.checkout.models import Cart, CartLine
from shequ.core.orders.errors import Invalid, NotFound, Vetoed
from tests.core.orders.commerce import (
    bearer,
    error_of,
    make_customer,
    make_shop,
    make_sku,
    plugin,
    snapshot,
    with_plugins,
)


async def test_one_cart_holds_skus_of_several_shops(runtime):
    a, b = await make_shop(), await make_shop()
    apple, tea = await make_sku(a, price=500), await make_sku(b, price=1200, title="茶")
    customer = await make_customer()
    owner = carts.CartOwner(customer_id=customer.id)
    await carts.add_line(runtime, owner, apple.id, 2)
    await carts.add_line(runtime, owner, tea.id, 1)
    await carts.add_line(runtime, owner, apple.id, 3)  # the same SKU grows its line
    body = await carts.cart_json(owner)
    assert [(line["sku_id"], line["shop_id"], line["quantity"]) for line in body["lines"]] == [
        (apple.id, a.id, 5),
        (tea.id, b.id, 1),
    ]
    assert body["lines"][0]["unit_price"] == 500 and body["lines"][0]["line_subtotal"] == 2500
    assert body["count"] == 6
    assert await Cart.filter(customer_id=customer.id).count() == 1


async def test_change_and_remove_lines(runtime):
    sku = await make_sku(await make_shop(), stock=20)
    owner = carts.CartOwner(customer_id=(await make_customer()).id)
    line = await carts.add_line(runtime, owner, sku.id, 1)
    await carts.change_line(runtime, owner, line.id, 7)
    assert (await CartLine.get(id=line.id)).quantity == 7
    await carts.remove_line(runtime, owner, line.id)
    assert not await CartLine.exists(id=line.id)
    with pytest.raises(NotFound):
        await carts.remove_line(runtime, owner, line.id)


async def test_someone_elses_line_is_not_found(runtime):
    sku = await make_sku(await make_shop())
    mine = carts.CartOwner(customer_id=(await make_customer()).id)
    theirs = carts.CartOwner(customer_id=(await make_customer()).id)
    line = await carts.add_line(runtime, theirs, sku.id, 1)
    with pytest.raises(NotFound):
        await carts.change_line(runtime, mine, line.id, 2)
    with pytest.raises(NotFound):
        await carts.remove_line(runtime, mine, line.id)
    assert (await CartLine.get(id=line.id)).quantity == 1


@pytest.mark.parametrize("quantity", [0, -1, 1000, 10**30, 1.5, "2", True, None])
async def test_service_refuses_bad_quantities(runtime, quantity):
    sku = await make_sku(await make_shop())
    owner = carts.CartOwner(customer_id=(await make_customer()).id)
    with pytest.raises(Invalid) as caught:
        await carts.add_line(runtime, owner, sku.id, quantity)
    assert caught.value.field == "quantity"
    assert not await CartLine.all().exists()


async def test_adding_past_999_or_past_stock_is_refused(runtime):
    sku = await make_sku(await make_shop(), stock=5)
    owner = carts.CartOwner(customer_id=(await make_customer()).id)
    await carts.add_line(runtime, owner, sku.id, 4)
    with pytest.raises(Invalid) as caught:
        await carts.add_line(runtime, owner, sku.id, 2)
    assert caught.value.code == "insufficient_stock"
    big = await make_sku(await make_shop(), stock=5000)
    await carts.add_line(runtime, owner, big.id, 999)
    with pytest.raises(Invalid):
        await carts.add_line(runtime, owner, big.id, 1)
    assert sorted(await CartLine.all().values_list("quantity", flat=True)) == [4, 999]


async def test_unavailable_skus_are_refused(runtime):
    shop, closed = await make_shop(), await make_shop(status="suspended")
    owner = carts.CartOwner(customer_id=(await make_customer()).id)
    cases = [
        await make_sku(shop, active=False),
        await make_sku(shop, published=False),
        await make_sku(closed),
    ]
    for sku in cases:
        with pytest.raises(Invalid) as caught:
            await carts.add_line(runtime, owner, sku.id, 1)
        assert caught.value.code == "unavailable"
    with pytest.raises(NotFound) as missing:
        await carts.add_line(runtime, owner, 987654, 1)
    assert missing.value.code == "sku_not_found"
    assert not await CartLine.all().exists()


async def test_validate_hook_sees_the_resulting_quantity_and_may_veto(make_runtime):
    seen = []

    def limit_two(customer_id, sku_id, shop_id, quantity):
        seen.append((customer_id, sku_id, shop_id, quantity))
        return "每人限购2件" if quantity > 2 else None

    limiter = plugin("limiter", shequ_validate_cart_line=limit_two)
    runtime = make_runtime(**with_plugins(limiter))
    async with runtime.running(run_jobs=False):
        sku = await make_sku(await make_shop())
        customer = await make_customer()
        owner = carts.CartOwner(customer_id=customer.id)
        await carts.add_line(runtime, owner, sku.id, 2)
        with pytest.raises(Vetoed) as caught:
            await carts.add_line(runtime, owner, sku.id, 1)
        assert caught.value.message == "每人限购2件" and caught.value.plugin == "limiter"
        assert seen == [
            (customer.id, sku.id, sku.shop_id, 2),
            (customer.id, sku.id, sku.shop_id, 3),
        ]
        assert (await CartLine.get(sku_id=sku.id)).quantity == 2


async def test_merge_guest_cart_adds_quantities_capped_at_stock(runtime):
    shop = await make_shop()
    apple, pear, gone = (
        await make_sku(shop, stock=5),
        await make_sku(shop, stock=3),
        await make_sku(shop, stock=9),
    )
    customer = await make_customer()
    guest = carts.CartOwner(session_key="guest-abc")
    mine = carts.CartOwner(customer_id=customer.id)
    await carts.add_line(runtime, mine, apple.id, 3)
    await carts.add_line(runtime, guest, apple.id, 4)  # 3 + 4 > stock 5
    await carts.add_line(runtime, guest, pear.id, 2)
    await carts.add_line(runtime, guest, gone.id, 1)
    from shequ.core.catalog.models import Sku
    from shequ.core.shops.scope import shop_scope

    with shop_scope(shop.id):
        await Sku.filter(id=gone.id).update(active=False)

    await carts.merge_guest_cart(runtime, "guest-abc", customer.id)

    lines = {line["sku_id"]: line["quantity"] for line in (await carts.cart_json(mine))["lines"]}
    assert lines == {apple.id: 5, pear.id: 2}
    assert not await Cart.exists(session_key="guest-abc")
    await carts.merge_guest_cart(runtime, "guest-abc", customer.id)  # nothing left: no-op
    assert (await carts.cart_json(mine))["count"] == 7


# --- through HTTP --------------------------------------------------------------------------


async def test_cart_api_round_trip(commerce_app):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop(), price=2590, stock=8)
    headers = await bearer(await make_customer())
    response = await client.post(
        "/api/v1/cart/lines", json={"sku_id": sku.id, "quantity": 2}, headers=headers
    )
    assert response.status == 201
    (line,) = (await response.json())["lines"]
    assert (line["quantity"], line["unit_price"], line["problem"]) == (2, 2590, None)
    response = await client.patch(
        f"/api/v1/cart/lines/{line['id']}", json={"quantity": 3}, headers=headers
    )
    assert (await response.json())["lines"][0]["quantity"] == 3
    response = await client.get("/api/v1/cart", headers=headers)
    assert (await response.json())["count"] == 3
    response = await client.delete(f"/api/v1/cart/lines/{line['id']}", headers=headers)
    assert response.status == 200 and (await response.json())["lines"] == []


async def test_guest_cart_lives_in_the_session(commerce_app):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop())
    response = await client.post("/api/v1/cart/lines", json={"sku_id": sku.id, "quantity": 1})
    assert response.status == 201
    response = await client.get("/api/v1/cart")  # the session cookie names the guest cart
    assert [line["sku_id"] for line in (await response.json())["lines"]] == [sku.id]
    guest = await Cart.get(customer_id=None)
    assert guest.session_key


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -3}, "quantity"),
        ({"quantity": 10**30}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"quantity": "2"}, "quantity"),
        ({"quantity": 1, "price": 1}, "price"),  # a tampered price is refused, not ignored
        ({"quantity": 1, "unit_price": 1}, "unit_price"),
    ],
)
async def test_bad_cart_input_is_422_and_changes_nothing(commerce_app, body, field):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop())
    headers = await bearer(await make_customer())
    before = await snapshot()
    response = await client.post(
        "/api/v1/cart/lines", json={"sku_id": sku.id, **body}, headers=headers
    )
    assert response.status == 422
    error = error_of(await response.json())
    assert error["field"] == field and error["message"]
    assert await snapshot() == before


async def test_unknown_and_unsellable_skus_over_http(commerce_app):
    client, runtime = await commerce_app()
    draft = await make_sku(await make_shop(), published=False)
    headers = await bearer(await make_customer())
    before = await snapshot()
    response = await client.post(
        "/api/v1/cart/lines", json={"sku_id": 424242, "quantity": 1}, headers=headers
    )
    assert response.status == 404 and error_of(await response.json())["code"] == "sku_not_found"
    response = await client.post(
        "/api/v1/cart/lines", json={"sku_id": draft.id, "quantity": 1}, headers=headers
    )
    assert response.status == 422 and error_of(await response.json())["code"] == "unavailable"
    assert await snapshot() == before


async def test_veto_reason_is_shown_over_http(commerce_app):
    no_tea = plugin("no_tea", shequ_validate_cart_line=lambda quantity: "暂停销售")
    client, runtime = await commerce_app(**with_plugins(no_tea))
    sku = await make_sku(await make_shop())
    headers = await bearer(await make_customer())
    before = await snapshot()
    response = await client.post(
        "/api/v1/cart/lines", json={"sku_id": sku.id, "quantity": 1}, headers=headers
    )
    assert response.status == 422
    assert error_of(await response.json()) == {
        "code": "vetoed",
        "message": "暂停销售",
        "field": None,
    }
    assert await snapshot() == before


async def test_malformed_json_is_400_and_changes_nothing(commerce_app):
    client, runtime = await commerce_app()
    headers = {**await bearer(await make_customer()), "Content-Type": "application/json"}
    before = await snapshot()
    response = await client.post("/api/v1/cart/lines", data=b'{"sku_id": 1,', headers=headers)
    assert response.status == 400
    assert error_of(await response.json())["code"] == "invalid_json"
    assert await snapshot() == before
