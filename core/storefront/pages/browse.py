"""Category listings (``/c/{id}``) and search (``/search?q=``), across shops or in one."""

from __future__ import annotations

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.errors import NotFound
from shequ.core.catalog.listing import list_categories, list_products
from shequ.core.catalog.models import Category
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from shequ.core.storefront.pages.listing_params import (
    PER_PAGE,
    ListingParams,
    page_links,
    sort_links,
)
from shequ.core.storefront.pages.view import not_found, page

ACTIVE = "active"
MAX_QUERY = 64


async def category(request: web.Request) -> web.Response:
    """A shop's category with its sub-categories' products; hidden with its shop."""
    runtime = request.app[RUNTIME]
    with shop_scope(ALL_SHOPS):  # which shop it belongs to is what we are finding out
        found = await Category.get_or_none(id=int(request.match_info["category_id"]))
    shop = await Shop.get_or_none(id=found.shop_id, status=ACTIVE) if found else None
    if found is None or shop is None:
        return await not_found(request)
    params = ListingParams.of(request.query)
    try:
        listing = await list_products(
            runtime,
            shop_id=shop.id,
            category_id=found.id,
            sort=params.sort,
            page=params.page,
            per_page=PER_PAGE,
        )
        categories = await list_categories(runtime, shop.id)
    except NotFound:
        return await not_found(request)
    path = request.path
    context = {
        "heading": found.name,
        "category": found,
        "subcategories": [c for c in categories if c.parent_id == found.id],
        "products": listing.items,
        "total": listing.total,
        "sorts": sort_links(path, {}, params.sort),
        "pager": page_links(path, {"sort": params.sort}, params.page, listing.pages),
    }
    return await page(request, "listing.html", context, shop=shop)


async def search(request: web.Request) -> web.Response:
    """``/search?q=`` across every active shop, or in one with ``&shop=<slug>``."""
    runtime = request.app[RUNTIME]
    q = request.query.get("q", "").strip()[:MAX_QUERY]
    slug = request.query.get("shop", "").strip()[:64]
    shop = None
    if slug:
        shop = await Shop.get_or_none(slug=slug, status=ACTIVE)
        if shop is None:
            return await not_found(request)
    params = ListingParams.of(request.query)
    products, total, pages = [], 0, 0
    if q:
        listing = await list_products(
            runtime,
            shop_id=shop.id if shop else None,
            q=q,
            sort=params.sort,
            page=params.page,
            per_page=PER_PAGE,
        )
        products, total, pages = listing.items, listing.total, listing.pages
    names: dict[int, str] = {}
    if products and shop is None:
        ids = {product.shop_id for product in products}
        names = dict(await Shop.filter(id__in=ids).values_list("id", "name"))
    base = {"q": q, "shop": slug}
    context = {
        "heading": None,
        "q": q,
        "search_shop": shop,
        "products": products,
        "total": total,
        "searched": bool(q),
        "shop_names": names,
        "sorts": sort_links("/search", base, params.sort) if q else [],
        "pager": page_links("/search", {**base, "sort": params.sort}, params.page, pages),
    }
    return await page(request, "listing.html", context, shop=shop)
