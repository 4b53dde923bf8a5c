"""POST /checkout through a real app: the happy path, idempotency, bad input, and 200
concurrent buyers racing for 50 units of stock."""

from __future__ import annotations

import asyncio

import pytest

from shequ.core.accounts.models import Address
from shequ.core.accounts.tokens import issue_token
from shequ.core.catalog.models import Sku
from shequ.core.checkout.cart import CartOwner, cart_for
from shequ.core.checkout.models import CartLine
from shequ.core.orders.models import Order, OrderLine
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.orders.commerce import (
    ADDRESS,
    bearer,
    error_of,
    make_customer,
    make_shop,
    make_sku,
    snapshot,
)


async def buyer_with_cart(*lines) -> tuple[object, dict[str, str]]:
    customer = await make_customer()
    cart = await cart_for(CartOwner(customer_id=customer.id))
    for sku, quantity in lines:
        await CartLine.create(
            cart_id=cart.id, sku_id=sku.id, shop_id=sku.shop_id, quantity=quantity
        )
    return customer, await bearer(customer)


async def test_checkout_returns_orders_and_payment(commerce_app):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop(), price=4500, stock=4)
    _, headers = await buyer_with_cart((sku, 2))
    response = await client.post(
        "/api/v1/checkout",
        json={"address": ADDRESS, "buyer_note": "谢谢"},
        headers={**headers, "Idempotency-Key": "abc-1"},
    )
    assert response.status == 201
    body = await response.json()
    (order,) = body["orders"]
    assert (order["total"], order["state"], body["replayed"]) == (9000, "pending_payment", False)
    assert body["payment"]["amount"] == 9000 and body["payment"]["reference"].startswith("P")
    # Submitted again (header and body key agree): the same orders, answered 200.
    again = await client.post(
        "/api/v1/checkout",
        json={"address": ADDRESS, "buyer_note": "谢谢", "idempotency_key": "abc-1"},
        headers={**headers, "Idempotency-Key": "abc-1"},
    )
    assert again.status == 200
    again_body = await again.json()
    assert again_body["replayed"] and again_body["orders"][0]["number"] == order["number"]
    detail = await client.get(f"/api/v1/orders/{order['number']}", headers=headers)
    assert (await detail.json())["lines"][0]["unit_price"] == 4500


async def test_checkout_with_a_saved_address(commerce_app):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop())
    customer, headers = await buyer_with_cart((sku, 1))
    mine = await Address.create(customer_id=customer.id, **ADDRESS)
    stranger = await make_customer()
    theirs = await Address.create(customer_id=stranger.id, **{**ADDRESS, "recipient": "李四"})
    before = await snapshot()
    response = await client.post(
        "/api/v1/checkout",
        json={"address_id": theirs.id, "idempotency_key": "a1"},
        headers=headers,
    )
    assert response.status == 404 and error_of(await response.json())["field"] == "address_id"
    assert await snapshot() == before
    response = await client.post(
        "/api/v1/checkout", json={"address_id": mine.id, "idempotency_key": "a1"}, headers=headers
    )
    assert response.status == 201
    number = (await response.json())["orders"][0]["number"]
    with shop_scope(ALL_SHOPS):
        assert (await Order.get(number=number)).shipping_address == ADDRESS


@pytest.mark.parametrize(
    ("body", "headers", "status", "field"),
    [
        ({"address": ADDRESS}, {}, 422, "idempotency_key"),
        (
            {"address": ADDRESS, "idempotency_key": "a"},
            {"Idempotency-Key": "b"},
            422,
            "idempotency_key",
        ),
        ({"idempotency_key": "a"}, {}, 422, "address"),
        (
            {"address": {**ADDRESS, "recipient": ""}, "idempotency_key": "a"},
            {},
            422,
            "address.recipient",
        ),
        ({"address": ADDRESS, "idempotency_key": "a", "total": 1}, {}, 422, "total"),
        (
            {"address": ADDRESS, "idempotency_key": "a", "lines": [{"sku_id": 1, "price": 1}]},
            {},
            422,
            "lines",
        ),
        ({"address": ADDRESS, "idempotency_key": "a b"}, {}, 422, "idempotency_key"),
    ],
)
async def test_bad_checkout_input_changes_nothing(commerce_app, body, headers, status, field):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop())
    _, auth = await buyer_with_cart((sku, 1))
    before = await snapshot()
    response = await client.post("/api/v1/checkout", json=body, headers={**auth, **headers})
    assert response.status == status
    assert error_of(await response.json())["field"] == field
    assert await snapshot() == before


async def test_oversized_and_malformed_bodies(commerce_app):
    client, runtime = await commerce_app({"server": {"max_body_bytes": 2048}})
    sku = await make_sku(await make_shop())
    _, auth = await buyer_with_cart((sku, 1))
    headers = {**auth, "Content-Type": "application/json"}
    before = await snapshot()
    huge = b'{"address": {}, "buyer_note": "' + b"x" * 5000 + b'"}'
    response = await client.post("/api/v1/checkout", data=huge, headers=headers)
    assert response.status == 413
    assert error_of(await response.json())["code"] == "body_too_large"
    response = await client.post("/api/v1/checkout", data=b"{not json", headers=headers)
    assert response.status == 400
    assert error_of(await response.json())["code"] == "invalid_json"
    response = await client.post("/api/v1/checkout", data=b"[1, 2]", headers=headers)
    assert response.status == 400
    assert await snapshot() == before


async def test_checkout_needs_a_customer(commerce_app):
    client, runtime = await commerce_app()
    response = await client.post(
        "/api/v1/checkout", json={"address": ADDRESS, "idempotency_key": "a"}
    )
    assert response.status == 401


async def test_out_of_stock_is_409_naming_the_sku(commerce_app):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop(), stock=3, title="限量款")
    _, headers = await buyer_with_cart((sku, 3))
    with shop_scope(ALL_SHOPS):
        await Sku.filter(id=sku.id).update(stock=2)
    before = await snapshot()
    response = await client.post(
        "/api/v1/checkout", json={"address": ADDRESS, "idempotency_key": "x"}, headers=headers
    )
    assert response.status == 409
    error = error_of(await response.json())
    assert error["code"] == "out_of_stock" and error["field"] == f"sku:{sku.id}"
    assert "限量款" in error["message"]
    assert await snapshot() == before


async def test_concurrent_double_submit_over_http(commerce_app):
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop(), stock=5)
    _, headers = await buyer_with_cart((sku, 2))
    responses = await asyncio.gather(
        *[
            client.post(
                "/api/v1/checkout",
                json={"address": ADDRESS, "idempotency_key": "dbl"},
                headers=headers,
            )
            for _ in range(6)
        ]
    )
    bodies = [await r.json() for r in responses]
    assert sorted(r.status for r in responses) == [200] * 5 + [201]
    assert len({b["orders"][0]["number"] for b in bodies}) == 1
    with shop_scope(ALL_SHOPS):
        assert await Order.all().count() == 1
        assert (await Sku.get(id=sku.id)).stock == 3


async def test_200_buyers_race_for_50_units(commerce_app):
    """Exactly 50 orders; stock ends at 0 and is never negative (SQLite and PostgreSQL)."""
    client, runtime = await commerce_app()
    sku = await make_sku(await make_shop(), stock=50, price=990)
    buyers = []
    for _ in range(200):
        customer = await make_customer()
        cart = await cart_for(CartOwner(customer_id=customer.id))
        await CartLine.create(cart_id=cart.id, sku_id=sku.id, shop_id=sku.shop_id, quantity=1)
        buyers.append({"Authorization": f"Bearer {await issue_token(customer.id)}"})

    async def buy(n: int, headers: dict[str, str]):
        return await client.post(
            "/api/v1/checkout",
            json={"address": ADDRESS, "idempotency_key": f"race-{n}"},
            headers=headers,
        )

    responses = await asyncio.gather(*[buy(n, h) for n, h in enumerate(buyers)])
    statuses = [r.status for r in responses]
    assert statuses.count(201) == 50 and statuses.count(409) == 150, sorted(set(statuses))
    for response in responses:
        if response.status == 409:
            assert error_of(await response.json())["code"] == "out_of_stock"
    with shop_scope(ALL_SHOPS):
        assert (await Sku.get(id=sku.id)).stock == 0
        assert await Order.all().count() == 50
        assert sum(await OrderLine.all().values_list("quantity", flat=True)) == 50
    # The losers keep their cart line; the winners' were emptied.
    assert await CartLine.all().count() == 150
