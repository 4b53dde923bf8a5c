"""The product page (``/p/{id}``): images, SKU picker, price and stock, description,
reviews and share meta. Drafts, unknown products and suspended shops' products are 404."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.errors import NotFound
from shequ.core.catalog.listing import product_detail
from shequ.core.catalog.schemas import ProductDetail
from shequ.core.hooktypes import ShareCard
from shequ.core.reputation.errors import NotFound as ReviewsNotFound
from shequ.core.reputation.listing import product_reviews
from shequ.core.reputation.schemas import ReviewPage
from shequ.core.shops.models import Shop
from shequ.core.social.share import build_share_card
from shequ.core.storefront.pages.forms import plain_int
from shequ.core.storefront.pages.page_cache import product_pages
from shequ.core.storefront.pages.picker import build_picker
from shequ.core.storefront.pages.view import not_found, page

REVIEWS_SHOWN = 5


def absolute(request: web.Request, url: str) -> str:
    """Share cards leave the site (Moments, chats): links and images need the full address."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return request.app[RUNTIME].settings.platform.base_url.rstrip("/") + url


async def share_card(request: web.Request, product: ProductDetail) -> ShareCard:
    fallback = ShareCard(
        title=product.title,
        description=product.subtitle or product.shop.name,
        image_url=absolute(request, product.cover_url),
        link=absolute(request, f"/p/{product.id}"),
    )
    return await build_share_card(
        request.app[RUNTIME], "product", product.id, product.shop_id, fallback
    )


async def reviews_of(request: web.Request, product_id: int) -> ReviewPage | None:
    try:
        return await product_reviews(request.app[RUNTIME], product_id, 1, REVIEWS_SHOWN)
    except ReviewsNotFound:  # unpublished between the two reads
        return None


@dataclass(frozen=True)
class ProductPageData:
    """What every visitor of one product page sees alike (cached briefly, see page_cache)."""

    product: ProductDetail
    shop: Shop
    reviews: ReviewPage | None
    share: ShareCard


async def page_data(request: web.Request, product_id: int) -> ProductPageData | None:
    """The product page's data, from the short-lived cache or the database; ``None`` when
    the product is not on sale (draft, unknown, or its shop suspended)."""
    cache = product_pages(request.app[RUNTIME])
    data = cache.get(product_id)
    if data is not None:
        return data
    try:
        product = await product_detail(request.app[RUNTIME], product_id)
    except NotFound:
        return None
    data = ProductPageData(
        product=product,
        shop=await Shop.get(id=product.shop_id),
        reviews=await reviews_of(request, product.id),
        share=await share_card(request, product),
    )
    cache.put(product_id, data)
    return data


async def product_page(request: web.Request) -> web.Response:
    wanted = plain_int(request.query.get("sku"))
    return await show_product(request, int(request.match_info["product_id"]), selected=wanted)


async def show_product(
    request: web.Request,
    product_id: int,
    *,
    selected: int | None = None,
    quantity: int = 1,
    status: int = 200,
    error: str | None = None,
) -> web.Response:
    """Render the product page; the add-to-cart form comes back here when it is refused."""
    data = await page_data(request, product_id)
    if data is None:
        return await not_found(request)
    context = {
        "product": data.product,
        "picker": build_picker(data.product, selected),
        "quantity": quantity,
        "reviews": data.reviews,
        "share": data.share,
    }
    return await page(request, "product.html", context, shop=data.shop, status=status, error=error)
