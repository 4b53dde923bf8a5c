"""The platform's home, each shop's home (``/s/{slug}``) and the follow button (收藏店铺)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from shequ.core.accounts.errors import NotFound as AccountNotFound
from shequ.core.accounts.models import ShopFollow
from shequ.core.accounts.service import follow_shop, unfollow_shop
from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.errors import NotFound
from shequ.core.catalog.listing import list_categories, list_products, list_shops
from shequ.core.catalog.models import Category
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from shequ.core.storefront.pages.flash import flash
from shequ.core.storefront.pages.forms import login_redirect, safe_next, see_other, text
from shequ.core.storefront.pages.listing_params import (
    PER_PAGE,
    ListingParams,
    page_links,
    sort_links,
)
from shequ.core.storefront.pages.view import multi_shop, not_found, page, translate

ACTIVE = "active"
FEATURED = 10
NEWEST = 20
MAX_SHOPS = 12
MAX_CATEGORIES = 24


@dataclass(frozen=True)
class CategoryLink:
    id: int
    name: str
    shop_name: str


async def home(request: web.Request) -> web.Response:
    """``/``: the platform's home with many shops, else the one shop's home."""
    if not multi_shop(request):
        shop = await Shop.filter(status=ACTIVE).order_by("id").first()
        if shop is None:
            return await page(request, "home.html", {"products": []})
        return await _shop_home(request, shop)
    return await _platform_home(request)


async def _platform_home(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    featured = await list_products(runtime, featured=True, sort="sales", per_page=FEATURED)
    newest = await list_products(runtime, sort="newest", per_page=NEWEST)
    active = await list_shops(runtime)
    names = {shop.id: shop.name for shop in active}
    with shop_scope(ALL_SHOPS):  # categories of every active shop, for browsing across shops
        rows = (
            await Category.filter(parent_id=None, shop__status=ACTIVE)
            .order_by("shop_id", "sort", "id")
            .limit(MAX_CATEGORIES)
        )
    categories = [CategoryLink(c.id, c.name, names.get(c.shop_id, "")) for c in rows]
    context = {
        "featured": featured.items,
        "products": newest.items,
        "shops": active[:MAX_SHOPS],
        "shop_names": names,
        "categories": categories,
    }
    return await page(request, "platform.html", context)


async def shop_home(request: web.Request) -> web.Response:
    """``/s/{slug}``: a shop's home; suspended and unknown shops are not found."""
    shop = await Shop.get_or_none(slug=request.match_info["slug"], status=ACTIVE)
    if shop is None:
        return await not_found(request)
    return await _shop_home(request, shop)


async def _shop_home(request: web.Request, shop: Shop) -> web.Response:
    runtime = request.app[RUNTIME]
    params = ListingParams.of(request.query)
    try:
        listing = await list_products(
            runtime, shop_id=shop.id, sort=params.sort, page=params.page, per_page=PER_PAGE
        )
        categories = await list_categories(runtime, shop.id)
    except NotFound:  # suspended meanwhile
        return await not_found(request)
    customer = request.get("customer")
    following = customer is not None and await ShopFollow.exists(
        customer_id=customer.id, shop_id=shop.id
    )
    path = request.path
    context = {
        "products": listing.items,
        "total": listing.total,
        "categories": [c for c in categories if c.parent_id is None],
        "following": following,
        "sorts": sort_links(path, {}, params.sort),
        "pager": page_links(path, {"sort": params.sort}, params.page, listing.pages),
    }
    return await page(request, "home.html", context, shop=shop)


async def follow(request: web.Request) -> web.Response:
    """收藏店铺 / 取消收藏: ``action`` is ``follow`` or ``unfollow``; idempotent."""
    form = await request.post()
    slug = request.match_info["slug"]
    back = safe_next(text(form, "next", 500), f"/s/{slug}")
    customer = request.get("customer")
    if customer is None:
        raise login_redirect(request, back)
    shop = await Shop.get_or_none(slug=slug)
    if shop is None:
        return await not_found(request)
    action = text(form, "action", 16)
    if action == "unfollow":
        await unfollow_shop(customer, shop.id)
        await flash(request, translate(request, "You no longer follow this shop."))
    elif action == "follow":
        try:
            await follow_shop(customer, shop.id)
        except AccountNotFound:  # suspended shops cannot be followed
            return await not_found(request)
        await flash(request, translate(request, "Shop followed: find it under My account."))
    else:
        raise web.HTTPBadRequest(text="action must be follow or unfollow")
    raise see_other(back)
