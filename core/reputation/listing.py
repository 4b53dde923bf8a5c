"""Public reads: a shop's or a product's visible reviews, newest first, paged."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tortoise.queryset import QuerySet

from shequ.core.catalog.models import Product, ProductStatus
from shequ.core.reputation.errors import NotFound
from shequ.core.reputation.models import Review, ReviewStatus
from shequ.core.reputation.schemas import ReviewPage, ReviewView, SellerReplyView
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

ACTIVE = "active"


def masked_nickname(nickname: str) -> str:
    """Buyers are shown by a masked nickname: the first character and asterisks."""
    return nickname.strip()[:1] + "***"


def review_view(review: Review) -> ReviewView:
    """``review`` must have ``customer`` and ``order_line`` fetched."""
    reply = None
    if review.seller_reply:
        reply = SellerReplyView(text=review.seller_reply, replied_at=review.seller_reply_at)
    return ReviewView(
        id=review.id,
        shop_id=review.shop_id,
        product_id=review.product_id,
        item_title=review.order_line.title if review.order_line is not None else None,
        rating=review.rating,
        body=review.body,
        reviewer=masked_nickname(review.customer.nickname),
        created_at=review.created_at,
        seller_reply=reply,
    )


async def active_shop(shop_id: int) -> Shop:
    """The shop, if it exists and is not suspended (suspended shops are hidden)."""
    shop = await Shop.get_or_none(id=shop_id, status=ACTIVE)
    if shop is None:
        raise NotFound("No such shop.", code="shop_not_found")
    return shop


async def shop_reviews(runtime: Runtime, shop_id: int, page: int, per_page: int) -> ReviewPage:
    await active_shop(shop_id)
    with shop_scope(shop_id):
        return await _page(Review.filter(status=ReviewStatus.VISIBLE), page, per_page)


async def product_reviews(
    runtime: Runtime, product_id: int, page: int, per_page: int
) -> ReviewPage:
    """Like the catalog: unknown, unpublished or suspended-shop products are not found."""
    with shop_scope(ALL_SHOPS):
        product = await Product.get_or_none(
            id=product_id, status=ProductStatus.PUBLISHED, shop__status=ACTIVE
        )
    if product is None:
        raise NotFound("No such product.", code="product_not_found")
    with shop_scope(product.shop_id):
        query = Review.filter(status=ReviewStatus.VISIBLE, product_id=product.id)
        return await _page(query, page, per_page)


async def _page(query: QuerySet, page: int, per_page: int) -> ReviewPage:
    total = await query.count()
    rows = (
        await query.order_by("-id")
        .offset((page - 1) * per_page)
        .limit(per_page)
        .select_related("customer", "order_line")
    )
    return ReviewPage(
        items=[review_view(r) for r in rows],
        total=total,
        page=page,
        per_page=per_page,
        pages=math.ceil(total / per_page),
    )
