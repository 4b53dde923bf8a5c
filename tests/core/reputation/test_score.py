"""The reputation score: published rules, a breakdown that adds up, plugin components tagged."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shequ.core.hooktypes import ScoreComponent
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.models import OrderState
from shequ.core.reputation.reviews import hide_review, submit_review, unhide_review
from shequ.core.reputation.score import (
    PRIOR_RATING,
    PRIOR_REVIEWS,
    RULES,
    Reputation,
    rating_component,
    review_count_component,
    shop_reputation,
    weighted_score,
)
from tests.core.reputation.conftest import (
    build_world,
    enabled,
    first_line,
    make_customer,
    make_order,
    plugin,
)


def by_code(reputation: Reputation) -> dict[str, ScoreComponent]:
    return {c.code: c for c in reputation.components}


async def reviewed_order(runtime, shop, rating: int, nickname: str = "买家"):
    buyer = await make_customer(nickname)
    order = await make_order(shop, buyer)
    line = await first_line(order)
    return await submit_review(runtime, buyer.id, order.id, line.id, rating, "评价")


async def test_new_shop_starts_at_the_stated_prior(runtime, world):
    reputation = await shop_reputation(runtime, world.other_shop.id)
    parts = by_code(reputation)
    assert list(parts) == ["rating", "review_count", "fulfilment"]
    assert parts["rating"].value == PRIOR_RATING
    assert f"{PRIOR_REVIEWS} imagined review(s) of {PRIOR_RATING:g} stars" in (
        parts["rating"].explanation
    )
    assert parts["review_count"].value == 0
    # No finished order: fulfilment is shown but left out of the average.
    assert parts["fulfilment"].weight == 0 and "not counted" in parts["fulfilment"].explanation
    assert reputation.score == pytest.approx(PRIOR_RATING * 3 / 4)  # rating w=3, count w=1
    assert all(c.plugin == "core" for c in reputation.components)


async def test_breakdown_of_a_shop_with_reviews_and_orders(runtime, world):
    shop = world.shop
    for rating in (5, 5, 4, 1):
        await reviewed_order(runtime, shop, rating)
    hidden = await reviewed_order(runtime, shop, 1)
    await hide_review(runtime, hidden.id, world.operator.id, "辱骂")
    # Finished orders placed in the last 90 days: world.order + 5 reviewed ones are completed.
    await make_order(shop, world.buyer, state=OrderState.REFUNDED)
    await make_order(shop, world.buyer, state=OrderState.CANCELLED, paid=True)
    # Not counted: never paid, still in flight, or placed too long ago.
    await make_order(shop, world.buyer, state=OrderState.CANCELLED, paid=False)
    await make_order(shop, world.buyer, state=OrderState.SHIPPED)
    await make_order(
        shop,
        world.buyer,
        state=OrderState.REFUNDED,
        created_at=utcnow() - dt.timedelta(days=91),
    )
    # Another shop's reviews and orders change nothing here.
    await reviewed_order(runtime, world.other_shop, 1)

    reputation = await shop_reputation(runtime, shop.id)
    parts = by_code(reputation)
    assert reputation.review_count == 4 and reputation.hidden_review_count == 1
    assert parts["rating"].value == pytest.approx((5 * 3 + 15) / (5 + 4))
    assert "(5 x 3 + 15) / (5 + 4)" in parts["rating"].explanation
    assert parts["review_count"].value == pytest.approx(0.4)
    assert parts["fulfilment"].value == pytest.approx(5 * 6 / 8)
    assert "Of 8 finished order(s)" in parts["fulfilment"].explanation
    expected = (parts["rating"].value * 3 + 0.4 * 1 + parts["fulfilment"].value * 2) / 6
    assert reputation.score == pytest.approx(expected)
    contributions = [reputation.contribution(c) for c in reputation.components]
    assert sum(contributions) == pytest.approx(reputation.score)


async def test_plugin_components_are_tagged_and_weighted(make_runtime):
    calls = []

    def response_time(shop_id):
        calls.append(shop_id)
        return [
            ScoreComponent(
                code="response_time",
                label="Replies within a day",
                value=4.0,
                weight=2.0,
                explanation="80% of messages answered within 24 hours.",
                plugin="spoofed",  # the core tags the real plugin
            )
        ]

    def nothing_to_say(shop_id):
        return None

    extra = {
        "service": plugin("service", shequ_reputation_components=response_time),
        "quiet": plugin("quiet", shequ_reputation_components=nothing_to_say),
    }
    runtime = make_runtime(enabled("service", "quiet"), extra_plugins=extra)
    async with runtime.running(run_jobs=False):
        world = await build_world()
        reputation = await shop_reputation(runtime, world.shop.id)
    assert calls == [world.shop.id]
    parts = by_code(reputation)
    extra_part = parts["response_time"]
    assert extra_part.plugin == "service"
    assert [c.plugin for c in reputation.components] == ["core", "core", "core", "service"]
    weights = sum(c.weight for c in reputation.components)
    assert weights == 3 + 1 + 2 + 2  # world.order completed: fulfilment counts
    assert reputation.contribution(extra_part) == pytest.approx(4.0 * 2 / weights)
    assert sum(reputation.contribution(c) for c in reputation.components) == pytest.approx(
        reputation.score
    )


@pytest.mark.parametrize(
    "bad",
    [
        ScoreComponent("x", "X", 6.0, 1.0, "too high"),
        ScoreComponent("x", "X", float("nan"), 1.0, "not a number"),
        ScoreComponent("x", "X", 3.0, -1.0, "negative weight"),
        ScoreComponent("x", "X", 3.0, 1.0, "  "),
        {"code": "x", "value": 3},
        42,
    ],
)
async def test_a_malformed_plugin_component_is_refused_naming_the_plugin(make_runtime, bad):
    extra = {"sloppy": plugin("sloppy", shequ_reputation_components=lambda shop_id: bad)}
    runtime = make_runtime(enabled("sloppy"), extra_plugins=extra)
    async with runtime.running(run_jobs=False):
        world = await build_world()
        with pytest.raises((TypeError, ValueError), match="sloppy"):
            await shop_reputation(runtime, world.shop.id)


def test_rules_state_the_prior_and_weights():
    assert f"{PRIOR_REVIEWS} imagined reviews of {PRIOR_RATING:g} stars" in RULES
    assert "weight 3" in RULES and "weight 1" in RULES and "weight 2" in RULES
    assert "never deleted" in RULES


@given(st.lists(st.integers(min_value=1, max_value=5), max_size=300))
def test_rating_stays_between_the_prior_and_the_reviews(ratings):
    part = rating_component(len(ratings), sum(ratings))
    low = min([PRIOR_RATING, *ratings])
    high = max([PRIOR_RATING, *ratings])
    assert low - 1e-9 <= part.value <= high + 1e-9
    count = review_count_component(len(ratings))
    assert 0 <= count.value <= 5


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=5, allow_nan=False),
            st.one_of(st.just(0.0), st.floats(min_value=0.001, max_value=100)),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_weighted_score_is_an_average_whose_contributions_add_up(parts):
    components = tuple(ScoreComponent(f"c{i}", "C", v, w, "e") for i, (v, w) in enumerate(parts))
    score = weighted_score(components)
    counted = [v for v, w in parts if w > 0]
    if not counted:
        assert score == 0
        return
    assert min(counted) - 1e-9 <= score <= max(counted) + 1e-9
    reputation = Reputation(1, score, components, 0, 0)
    assert sum(reputation.contribution(c) for c in components) == pytest.approx(score)


async def test_a_review_the_seller_hides_still_counts_only_the_platform_can_remove_it(
    runtime, world
):
    shop = world.shop
    await reviewed_order(runtime, shop, 5)
    bad = await reviewed_order(runtime, shop, 1)
    before = by_code(await shop_reputation(runtime, shop.id))["rating"].value
    await hide_review(runtime, bad.id, world.owner.id, "含有买家手机号")
    after_owner = await shop_reputation(runtime, shop.id)
    assert by_code(after_owner)["rating"].value == before  # hiding cannot polish the score
    assert after_owner.hidden_review_count == 1
    await unhide_review(runtime, bad.id, world.owner.id, "已处理")
    await hide_review(runtime, bad.id, world.operator.id, "刷单评价")
    assert by_code(await shop_reputation(runtime, shop.id))["rating"].value > before
