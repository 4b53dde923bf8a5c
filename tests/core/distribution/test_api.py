"""The distributor's JSON API: enroll, my code/link/QR, bind, customers, orders, withdrawals."""

from __future__ import annotations

import pytest

from shequ.core.accounts.tokens import issue_token
from shequ.core.appkeys import RUNTIME
from shequ.core.distribution.models import Binding, Distributor, LedgerEntry, Withdrawal
from shequ.core.shops.scope import shop_scope
from tests.core.distribution.factory import customer, main_shop, pay, place_order, plugins


@pytest.fixture
async def client(aiohttp_client, make_app):
    return await aiohttp_client(make_app(plugins(rates=[10], withdraw_min=100)))


async def signed_in(name: str = "") -> tuple[int, dict]:
    person = await customer(name)
    return person, {"Authorization": f"Bearer {await issue_token(person)}"}


async def error_of(response, status: int) -> dict:
    assert response.status == status, await response.text()
    return (await response.json())["error"]


async def counts(shop: int) -> tuple[int, ...]:
    with shop_scope(shop):
        return (
            await Distributor.all().count(),
            await Binding.all().count(),
            await Withdrawal.all().count(),
            await LedgerEntry.all().count(),
        )


async def test_enroll_then_see_my_code_link_amounts_and_qr(client):
    shop = await main_shop()
    me, auth = await signed_in("小王")
    base = f"/api/v1/distribution/shops/{shop}"
    response = await client.post(f"{base}/enroll", json={}, headers=auth)
    assert response.status == 200, await response.text()
    profile = await response.json()
    assert profile["status"] == "active"
    assert profile["link"].endswith(f"/?ref={profile['code']}")
    assert profile["scene"] == f"ref:{profile['code']}"
    summary = await (await client.get(f"{base}/me", headers=auth)).json()
    assert summary["code"] == profile["code"]
    assert summary["amounts"]["available"] == 0 and summary["customers_bound"] == 0
    qr = await client.get(f"{base}/qr.png", headers=auth)
    assert qr.status == 200 and qr.content_type == "image/png"
    assert (await qr.read()).startswith(b"\x89PNG\r\n\x1a\n")


async def test_a_buyer_binds_through_the_api_and_the_distributor_sees_it(client):
    runtime = client.server.app[RUNTIME]
    shop = await main_shop()
    base = f"/api/v1/distribution/shops/{shop}"
    me, auth = await signed_in("分销员")
    code = (await (await client.post(f"{base}/enroll", json={}, headers=auth)).json())["code"]
    buyer, buyer_auth = await signed_in("买家")
    response = await client.post(
        "/api/v1/distribution/bind", json={"code": code, "source": "link"}, headers=buyer_auth
    )
    assert (await response.json()) == {"outcome": "bound", "shop_id": shop}
    order = await place_order(runtime, shop, buyer, [(5_000, 2)])
    await pay(runtime, order)
    customers = await (await client.get(f"{base}/customers", headers=auth)).json()
    assert [(c["customer_id"], c["nickname"], c["source"]) for c in customers["customers"]] == [
        (buyer, "买家", "link")
    ]
    orders = await (await client.get(f"{base}/orders?limit=5", headers=auth)).json()
    assert [(o["order_id"], o["commission"], o["states"]) for o in orders["orders"]] == [
        (order.id, 1_000, ["pending"])
    ]
    summary = await (await client.get(f"{base}/me", headers=auth)).json()
    assert summary["amounts"]["pending"] == 1_000 and summary["customers_bound"] == 1


async def test_a_forged_code_is_no_error_for_the_buyer(client):
    shop = await main_shop()
    _, auth = await signed_in()
    response = await client.post(
        "/api/v1/distribution/bind", json={"code": "<script>alert(1)</script>"}, headers=auth
    )
    assert response.status == 200
    assert (await response.json())["outcome"] == "ignored"
    assert await counts(shop) == (0, 0, 0, 0)


async def test_withdrawals_over_the_api(client):
    shop = await main_shop()
    base = f"/api/v1/distribution/shops/{shop}"
    me, auth = await signed_in()
    await client.post(f"{base}/enroll", json={}, headers=auth)
    with shop_scope(shop):
        await LedgerEntry.create(
            beneficiary_id=me, bucket="available", amount=5_000, currency="CNY", kind="settled"
        )
    body = {"amount": 2_000, "idempotency_key": "k1"}
    created = await client.post(f"{base}/withdrawals", json=body, headers=auth)
    assert created.status == 201, await created.text()
    again = await client.post(f"{base}/withdrawals", json=body, headers=auth)
    assert (await again.json())["id"] == (await created.json())["id"]
    listed = await (await client.get(f"{base}/withdrawals", headers=auth)).json()
    assert [(w["amount"], w["state"]) for w in listed["withdrawals"]] == [(2_000, "requested")]


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/withdrawals", {"amount": "2000", "idempotency_key": "k"}, 422, "amount"),
        ("/withdrawals", {"amount": 20.5, "idempotency_key": "k"}, 422, "amount"),
        ("/withdrawals", {"amount": -5, "idempotency_key": "k"}, 422, "amount"),
        ("/withdrawals", {"amount": 50, "idempotency_key": "k"}, 422, "amount"),
        ("/withdrawals", {"amount": 9_000, "idempotency_key": "k"}, 422, "amount"),
        ("/withdrawals", {"amount": 200}, 422, "idempotency_key"),
        ("/withdrawals", {"amount": 200, "idempotency_key": "k", "fee": 1}, 422, "fee"),
        ("/enroll", {"entry_fee": 100}, 422, "entry_fee"),
    ],
)
async def test_bad_input_is_a_clear_4xx_and_changes_nothing(client, path, body, status, field):
    shop = await main_shop()
    base = f"/api/v1/distribution/shops/{shop}"
    me, auth = await signed_in()
    await client.post(f"{base}/enroll", json={}, headers=auth)
    with shop_scope(shop):
        await LedgerEntry.create(
            beneficiary_id=me, bucket="available", amount=5_000, currency="CNY", kind="settled"
        )
    before = await counts(shop)
    error = await error_of(await client.post(base + path, json=body, headers=auth), status)
    assert error["field"] == field and error["message"]
    assert await counts(shop) == before


async def test_errors_for_strangers_unknown_shops_and_anonymous_callers(client):
    shop = await main_shop()
    _, auth = await signed_in()
    base = f"/api/v1/distribution/shops/{shop}"
    assert (await error_of(await client.get(f"{base}/me"), 401))["code"] == "unauthenticated"
    assert (await error_of(await client.get(f"{base}/me", headers=auth), 404))[
        "code"
    ] == "not_found"
    missing = "/api/v1/distribution/shops/999999/enroll"
    assert (await error_of(await client.post(missing, json={}, headers=auth), 404))[
        "code"
    ] == "not_found"
    bad_json = await client.post(
        f"{base}/enroll", data=b"{nope", headers={**auth, "Content-Type": "application/json"}
    )
    assert (await error_of(bad_json, 400))["code"] == "invalid_json"
    assert await counts(shop) == (0, 0, 0, 0)


async def test_the_api_says_when_distribution_is_off(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    shop = await main_shop()
    _, auth = await signed_in()
    response = await client.post(f"/api/v1/distribution/shops/{shop}/enroll", json={}, headers=auth)
    assert (await error_of(response, 404))["code"] == "distribution_not_enabled"
