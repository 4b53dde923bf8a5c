"""Through the real cart and checkout API: the order placed after a referral link carries
the distributor chain, and rebinding later never changes it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from shequ.core.accounts.tokens import issue_token
from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.products import create_product, publish
from shequ.core.orders.models import Order
from shequ.core.shops.scope import shop_scope
from tests.core.distribution.factory import customer, main_shop, plugins

ADDRESS = {
    "recipient": "张三",
    "phone": "13800138000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园 1 号",
}


async def test_checkout_snapshots_the_chain(aiohttp_client, make_app):
    client = await aiohttp_client(make_app(plugins(levels=2, rates=[10, 5], binding="last")))
    runtime = client.server.app[RUNTIME]
    shop = await main_shop()
    product = await create_product(
        runtime,
        shop,
        {"title": "茶叶", "skus": [{"code": "TEA-1", "price": 5_000, "stock": 10}]},
    )
    await publish(runtime, shop, product.id)
    with shop_scope(shop):
        sku_id = (await product.skus.all())[0].id

    async def auth(customer_id):
        return {"Authorization": f"Bearer {await issue_token(customer_id)}"}

    base = f"/api/v1/distribution/shops/{shop}"
    upline, promoter, other, buyer = [await customer(n) for n in ("大红", "小红", "小绿", "小明")]
    codes = {}
    for who in (upline, promoter, other):
        joined = await (
            await client.post(f"{base}/enroll", json={}, headers=await auth(who))
        ).json()
        codes[who] = parse_qs(urlsplit(joined["link"]).query)["ref"][0]
    bound = await client.post(
        "/api/v1/distribution/bind", json={"code": codes[upline]}, headers=await auth(promoter)
    )
    assert (await bound.json())["outcome"] == "bound"
    buyer_auth = await auth(buyer)
    bound = await client.post(
        "/api/v1/distribution/bind", json={"code": codes[promoter]}, headers=buyer_auth
    )
    assert (await bound.json())["outcome"] == "bound"

    added = await client.post(
        "/api/v1/cart/lines", json={"sku_id": sku_id, "quantity": 2}, headers=buyer_auth
    )
    assert added.status == 201, await added.text()
    placed = await client.post(
        "/api/v1/checkout",
        json={"address": ADDRESS, "idempotency_key": "chain-1"},
        headers=buyer_auth,
    )
    assert placed.status == 201, await placed.text()
    with shop_scope(shop):
        order = await Order.get(customer_id=buyer)
    assert order.referral_chain == [promoter, upline]

    # A later link rebinds the buyer (mode "last"), but the placed order keeps its chain.
    rebound = await client.post(
        "/api/v1/distribution/bind", json={"code": codes[other]}, headers=buyer_auth
    )
    assert (await rebound.json())["outcome"] in ("bound", "rebound")
    with shop_scope(shop):
        assert (await Order.get(id=order.id)).referral_chain == [promoter, upline]
