"""The reputation API through HTTP: buyers post reviews, everyone reads lists and scores."""

from __future__ import annotations

import pytest

from shequ.core.accounts.tokens import issue_token
from shequ.core.appkeys import RUNTIME
from shequ.core.hooktypes import ScoreComponent
from shequ.core.reputation.reviews import hide_review, reply
from shequ.core.reputation.score import RULES
from tests.core.reputation.conftest import (
    build_world,
    enabled,
    first_line,
    make_customer,
    make_order,
    make_product,
    make_shop,
    plugin,
    stored_reviews,
)


@pytest.fixture
async def api(make_app, aiohttp_client):
    """A client, its runtime and a world of shop, people and a completed order."""

    async def build(settings=None, **kwargs):
        app = make_app(settings, **kwargs)
        client = await aiohttp_client(app)
        runtime = app[RUNTIME]
        runtime.db.activate()
        world = await build_world()
        return client, runtime, world

    return build


async def bearer(customer) -> dict[str, str]:
    return {"Authorization": f"Bearer {await issue_token(customer.id)}"}


async def post_review(client, customer, **body):
    return await client.post("/api/v1/reviews", json=body, headers=await bearer(customer))


async def test_buyer_posts_a_review_and_it_is_listed(api):
    client, runtime, world = await api()
    product = await make_product(world.shop)
    order = await make_order(world.shop, world.buyer, product_ids=(product.id,))
    line = await first_line(order)
    resp = await post_review(
        client, world.buyer, order_id=order.id, order_line_id=line.id, rating=5, body="好吃"
    )
    assert resp.status == 201, await resp.text()
    review = await resp.json()
    assert review["rating"] == 5 and review["body"] == "好吃"
    assert review["product_id"] == product.id and review["item_title"] == line.title
    assert review["reviewer"] == "小***" and review["verified_purchase"] is True
    assert review["seller_reply"] is None
    assert "customer_id" not in review and "order_id" not in review

    await reply(runtime, review["id"], world.owner.id, "谢谢惠顾")
    for url in (f"/api/v1/shops/{world.shop.id}/reviews", f"/api/v1/products/{product.id}/reviews"):
        resp = await client.get(url)
        assert resp.status == 200
        page = await resp.json()
        assert page["total"] == 1 and [r["id"] for r in page["items"]] == [review["id"]]
        listed = page["items"][0]
        assert listed["body"] == "好吃"
        assert listed["seller_reply"]["author"] == "seller"
        assert listed["seller_reply"]["text"] == "谢谢惠顾"


async def test_posting_needs_a_signed_in_customer(api):
    client, _, world = await api()
    resp = await client.post(
        "/api/v1/reviews", json={"order_id": world.order.id, "rating": 5, "body": "好"}
    )
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "unauthenticated"
    assert await stored_reviews() == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0, "body": "ok"}, "rating"),
        ({"rating": 6, "body": "ok"}, "rating"),
        ({"rating": "5", "body": "ok"}, "rating"),
        ({"rating": True, "body": "ok"}, "rating"),
        ({"rating": 5, "body": ""}, "body"),
        ({"rating": 5, "body": "   "}, "body"),
        ({"rating": 5, "body": "x" * 1001}, "body"),
        ({"rating": 5, "body": 12}, "body"),
        ({"rating": 5}, "body"),
        ({"body": "ok"}, "rating"),
    ],
)
async def test_invalid_input_is_422_and_stores_nothing(api, body, field):
    client, _, world = await api()
    resp = await post_review(client, world.buyer, order_id=world.order.id, **body)
    assert resp.status == 422, await resp.text()
    error = (await resp.json())["error"]
    assert error["code"] == "invalid" and error["field"] == field and error["message"]
    assert not error["message"].startswith("Value error")
    assert await stored_reviews() == []


async def test_malformed_json_is_400(api):
    client, _, world = await api()
    resp = await client.post(
        "/api/v1/reviews", data=b"{not json", headers=await bearer(world.buyer)
    )
    assert resp.status == 400
    assert (await resp.json())["error"]["code"] == "invalid_json"
    assert await stored_reviews() == []


async def test_refusals_are_clear_4xx_and_store_nothing(api):
    client, _, world = await api()
    line = await first_line(world.order)
    unfinished = await make_order(world.shop, world.buyer, state="shipped")

    async def refused(customer, expected_status, expected_code, **body):
        resp = await post_review(client, customer, rating=4, body="一般", **body)
        assert resp.status == expected_status, await resp.text()
        error = (await resp.json())["error"]
        assert error["code"] == expected_code and error["message"]
        return error

    await refused(world.stranger, 404, "order_not_found", order_id=world.order.id)
    await refused(world.buyer, 404, "order_not_found", order_id=999_999)
    await refused(world.buyer, 409, "order_not_completed", order_id=unfinished.id)
    seller_order = await make_order(world.shop, world.staff)
    await refused(world.staff, 403, "seller_cannot_review", order_id=seller_order.id)
    await refused(
        world.buyer, 404, "order_line_not_found", order_id=world.order.id, order_line_id=999_999
    )
    assert await stored_reviews() == []

    resp = await post_review(
        client, world.buyer, order_id=world.order.id, order_line_id=line.id, rating=4, body="一般"
    )
    assert resp.status == 201
    await refused(
        world.buyer, 409, "already_reviewed", order_id=world.order.id, order_line_id=line.id
    )
    assert len(await stored_reviews()) == 1


async def test_plugin_veto_reason_reaches_the_buyer(api):
    def veto(body):
        return "请勿在评价中留联系方式" if "微信号" in body else None

    client, _, world = await api(
        enabled("guard"), extra_plugins={"guard": plugin("guard", shequ_validate_review=veto)}
    )
    resp = await post_review(
        client, world.buyer, order_id=world.order.id, rating=5, body="加我微信号 abc"
    )
    assert resp.status == 422
    assert (await resp.json())["error"] == {
        "code": "review_refused",
        "message": "请勿在评价中留联系方式",
        "field": None,
    }
    assert await stored_reviews() == []


async def test_hidden_reviews_leave_public_lists_but_stay_stored(api):
    client, runtime, world = await api()
    lines = [await first_line(world.order)]
    second = await make_order(world.shop, world.buyer)
    lines.append(await first_line(second))
    ids = []
    for order, line in ((world.order, lines[0]), (second, lines[1])):
        resp = await post_review(
            client, world.buyer, order_id=order.id, order_line_id=line.id, rating=3, body="还行"
        )
        ids.append((await resp.json())["id"])
    await hide_review(runtime, ids[0], world.operator.id, "泄露隐私")

    page = await (await client.get(f"/api/v1/shops/{world.shop.id}/reviews")).json()
    assert [r["id"] for r in page["items"]] == [ids[1]] and page["total"] == 1
    assert sorted(r.id for r in await stored_reviews()) == sorted(ids)
    score = await (await client.get(f"/api/v1/shops/{world.shop.id}/reputation")).json()
    assert score["review_count"] == 1 and score["hidden_review_count"] == 1


async def test_lists_are_paged_newest_first(api):
    client, runtime, world = await api()
    for i in range(5):
        buyer = await make_customer(f"买家{i}")
        order = await make_order(world.shop, buyer)
        resp = await post_review(client, buyer, order_id=order.id, rating=5, body=f"第{i}条")
        assert resp.status == 201
    url = f"/api/v1/shops/{world.shop.id}/reviews"
    first = await (await client.get(url, params={"per_page": 2})).json()
    last = await (await client.get(url, params={"per_page": 2, "page": 3})).json()
    assert (first["total"], first["pages"], first["page"]) == (5, 3, 1)
    assert [r["body"] for r in first["items"]] == ["第4条", "第3条"]
    assert [r["body"] for r in last["items"]] == ["第0条"]
    bad = await client.get(url, params={"per_page": 0})
    assert bad.status == 422 and (await bad.json())["error"]["field"] == "per_page"


async def test_unknown_or_suspended_shop_and_product_are_404(api):
    client, _, world = await api()
    suspended = await make_shop("closed", status="suspended")
    draft = await make_product(world.shop, "草稿", status="draft")
    for url in (
        "/api/v1/shops/999999/reviews",
        f"/api/v1/shops/{suspended.id}/reviews",
        f"/api/v1/shops/{suspended.id}/reputation",
        "/api/v1/products/999999/reviews",
        f"/api/v1/products/{draft.id}/reviews",
    ):
        resp = await client.get(url)
        assert resp.status == 404, url
        assert (await resp.json())["error"]["code"].endswith("_not_found")


async def test_reputation_breakdown_and_rules_are_public(api):
    def loyalty(shop_id):
        return ScoreComponent("repeat_buyers", "Repeat buyers", 4.5, 1.0, "45% buy again.")

    client, _, world = await api(
        enabled("loyalty"),
        extra_plugins={"loyalty": plugin("loyalty", shequ_reputation_components=loyalty)},
    )
    resp = await post_review(client, world.buyer, order_id=world.order.id, rating=5, body="棒")
    assert resp.status == 201
    resp = await client.get(f"/api/v1/shops/{world.shop.id}/reputation")
    assert resp.status == 200
    data = await resp.json()
    assert data["rules"] == RULES and data["scale"] == 5
    parts = {c["code"]: c for c in data["components"]}
    assert set(parts) == {"rating", "review_count", "fulfilment", "repeat_buyers"}
    assert parts["repeat_buyers"]["plugin"] == "loyalty"
    assert parts["rating"]["plugin"] == "core" and parts["rating"]["explanation"]
    assert sum(c["share"] for c in data["components"]) == pytest.approx(1)
    assert sum(c["contribution"] for c in data["components"]) == pytest.approx(data["score"])
    assert parts["rating"]["value"] == pytest.approx((5 * 3 + 5) / 6)

    rules = await client.get("/api/v1/reputation/rules")
    assert rules.status == 200 and (await rules.json())["rules"] == RULES


async def test_endpoints_are_documented(api):
    client, _, _ = await api()
    paths = (await (await client.get("/api/v1/openapi.json")).json())["paths"]
    for path in (
        "/api/v1/shops/{shop_id}/reviews",
        "/api/v1/products/{product_id}/reviews",
        "/api/v1/reviews",
        "/api/v1/shops/{shop_id}/reputation",
        "/api/v1/reputation/rules",
    ):
        assert path in paths, sorted(paths)
