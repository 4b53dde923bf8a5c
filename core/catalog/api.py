"""Public catalog API: shops, categories, product listings and product detail."""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from shequ.core.api.routing import ApiRouter
from shequ.core.appkeys import RUNTIME
from shequ.core.catalog import listing
from shequ.core.catalog.errors import CatalogError, NotFound
from shequ.core.catalog.schemas import CategoryList, ProductDetail, ProductPage, ShopList, ShopView
from shequ.core.web.errors import ApiError

router = ApiRouter(tag="catalog")

NOT_FOUND = {404: "not found (unknown, unpublished, or its shop is suspended)"}


class ProductQuery(BaseModel):
    # Unknown keys are kept out of the model but reach shequ_product_filters as params.
    shop: int | None = Field(default=None, ge=1, description="shop id")
    category: int | None = Field(default=None, ge=1, description="category id (with children)")
    q: str | None = Field(default=None, max_length=100, description="search text")
    sort: Literal["default", "price_asc", "price_desc", "newest", "sales"] = "default"
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=50)
    featured: bool | None = None


class CategoryQuery(BaseModel):
    shop: int = Field(ge=1, description="shop id")


def _not_found(exc: NotFound) -> ApiError:
    return ApiError(404, f"{exc.what}_not_found", f"No such {exc.what}.")


@router.get(
    "/products",
    summary="Published products, filtered, searched, sorted and paged",
    query=ProductQuery,
    response=ProductPage,
    errors=NOT_FOUND,
)
async def products(request: web.Request, body: None) -> ProductPage:
    query: ProductQuery = request["query"]
    try:
        return await listing.list_products(
            request.app[RUNTIME],
            shop_id=query.shop,
            category_id=query.category,
            q=query.q,
            sort=query.sort,
            page=query.page,
            per_page=query.per_page,
            featured=query.featured,
            params=dict(request.query),
        )
    except NotFound as exc:
        raise _not_found(exc) from None
    except CatalogError as exc:
        raise ApiError(422, "invalid", exc.message, exc.field) from None


@router.get(
    r"/products/{product_id:\d+}",
    summary="One published product with its SKUs and images",
    response=ProductDetail,
    errors=NOT_FOUND,
)
async def product(request: web.Request, body: None) -> ProductDetail:
    try:
        return await listing.product_detail(
            request.app[RUNTIME], int(request.match_info["product_id"])
        )
    except NotFound as exc:
        raise _not_found(exc) from None


@router.get(
    "/categories",
    summary="A shop's categories (flat; parent_id makes the tree)",
    query=CategoryQuery,
    response=CategoryList,
    errors=NOT_FOUND,
)
async def categories(request: web.Request, body: None) -> CategoryList:
    query: CategoryQuery = request["query"]
    try:
        items = await listing.list_categories(request.app[RUNTIME], query.shop)
    except NotFound as exc:
        raise _not_found(exc) from None
    return CategoryList(items=items)


@router.get("/shops", summary="The platform's active shops", response=ShopList)
async def shops(request: web.Request, body: None) -> ShopList:
    return ShopList(items=await listing.list_shops(request.app[RUNTIME]))


@router.get(
    "/shops/{slug}",
    summary="One active shop",
    response=ShopView,
    errors=NOT_FOUND,
)
async def shop(request: web.Request, body: None) -> ShopView:
    try:
        return await listing.shop_by_slug(request.app[RUNTIME], request.match_info["slug"])
    except NotFound as exc:
        raise _not_found(exc) from None
