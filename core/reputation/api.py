"""Reviews and reputation API: public lists and scores, and buyers' reviews."""

from __future__ import annotations

from aiohttp import web

from shequ.core.api.routing import ApiRouter
from shequ.core.appkeys import RUNTIME
from shequ.core.reputation import listing
from shequ.core.reputation.reviews import submit_review
from shequ.core.reputation.schemas import (
    ReputationView,
    ReviewInput,
    ReviewListQuery,
    ReviewPage,
    ReviewView,
    RulesView,
    ScoreComponentView,
)
from shequ.core.reputation.score import RULES, SCALE, shop_reputation
from shequ.core.shops.scope import shop_scope

router = ApiRouter(tag="reputation")

NOT_FOUND = {404: "not found (unknown, or its shop is suspended)"}


@router.get(
    r"/shops/{shop_id:\d+}/reviews",
    summary="A shop's visible reviews, newest first",
    query=ReviewListQuery,
    response=ReviewPage,
    errors=NOT_FOUND,
)
async def shop_reviews(request: web.Request, body: None) -> ReviewPage:
    query: ReviewListQuery = request["query"]
    return await listing.shop_reviews(
        request.app[RUNTIME], int(request.match_info["shop_id"]), query.page, query.per_page
    )


@router.get(
    r"/products/{product_id:\d+}/reviews",
    summary="A product's visible reviews, newest first",
    query=ReviewListQuery,
    response=ReviewPage,
    errors={404: "not found (unknown, unpublished, or its shop is suspended)"},
)
async def product_reviews(request: web.Request, body: None) -> ReviewPage:
    query: ReviewListQuery = request["query"]
    return await listing.product_reviews(
        request.app[RUNTIME],
        int(request.match_info["product_id"]),
        query.page,
        query.per_page,
    )


@router.post(
    "/reviews",
    summary="Review a completed order or one of its lines (buyers only, once each)",
    auth="customer",
    body=ReviewInput,
    response=ReviewView,
    status=201,
    errors={
        403: "the shop's own owner or staff",
        404: "no such order among yours, or no such line on it",
        409: "order not completed, or already reviewed",
        422: "invalid input, or refused by a plugin (the reason is the message)",
    },
)
async def post_review(request: web.Request, body: ReviewInput) -> ReviewView:
    runtime = request.app[RUNTIME]
    review = await submit_review(
        runtime,
        customer_id=request["customer"].id,
        order_id=body.order_id,
        order_line_id=body.order_line_id,
        rating=body.rating,
        body=body.body,
    )
    with shop_scope(review.shop_id):
        await review.fetch_related("customer", "order_line")
    return listing.review_view(review)


@router.get(
    r"/shops/{shop_id:\d+}/reputation",
    summary="A shop's reputation score with its breakdown and the rules",
    response=ReputationView,
    errors=NOT_FOUND,
)
async def reputation(request: web.Request, body: None) -> ReputationView:
    shop_id = int(request.match_info["shop_id"])
    await listing.active_shop(shop_id)
    result = await shop_reputation(request.app[RUNTIME], shop_id)
    total_weight = result.total_weight
    return ReputationView(
        shop_id=shop_id,
        score=result.score,
        scale=SCALE,
        review_count=result.review_count,
        hidden_review_count=result.hidden_review_count,
        components=[
            ScoreComponentView(
                code=c.code,
                label=c.label,
                plugin=c.plugin,
                value=c.value,
                weight=c.weight,
                share=c.weight / total_weight if total_weight else 0.0,
                contribution=result.contribution(c),
                explanation=c.explanation,
            )
            for c in result.components
        ],
        rules=RULES,
    )


@router.get(
    "/reputation/rules", summary="The published rules of the reputation score", response=RulesView
)
async def rules(request: web.Request, body: None) -> RulesView:
    return RulesView(scale=SCALE, rules=RULES)
