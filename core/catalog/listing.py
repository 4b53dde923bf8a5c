"""What buyers browse: published products of active shops, shops and categories.

A listing runs in the scope of the shop asked for, or explicitly across all shops
(``ALL_SHOPS``) when none is given; see :mod:`shequ.core.catalog.scoping`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q, Subquery

from shequ.core.catalog.errors import CatalogError, NotFound
from shequ.core.catalog.models import Category, Product, ProductImage, ProductStatus, Sku
from shequ.core.catalog.schemas import (
    CategoryView,
    ImageView,
    ProductDetail,
    ProductPage,
    ProductSummary,
    ShopView,
    SkuView,
    SpecAttributeView,
)
from shequ.core.catalog.scoping import catalog_scope
from shequ.core.catalog.storage import storage_for
from shequ.core.shops.models import Shop

if TYPE_CHECKING:
    from shequ.core.hooktypes import Tagged
    from shequ.core.runtime import Runtime

ACTIVE = "active"
# Every order ends with a unique column, so pages never overlap or skip a product.
SORTS: dict[str, tuple[str, ...]] = {
    "default": ("sort", "id"),
    "price_asc": ("min_price", "id"),
    "price_desc": ("-min_price", "id"),
    "newest": ("-created_at", "-id"),
    "sales": ("-sales_count", "id"),
}
MAX_PER_PAGE = 100


def _active_shop_ids() -> Subquery:
    # A subquery, not a ``shop__status`` join: tortoise shares the ``shop`` field object
    # between every ShopScopedModel subclass, so joins through it can pick the wrong model.
    return Subquery(Shop.filter(status=ACTIVE).values("id"))


async def _active_shop(shop_id: int) -> Shop:
    shop = await Shop.get_or_none(id=shop_id, status=ACTIVE)
    if shop is None:
        raise NotFound("shop", shop_id)
    return shop


def merge_extras(results: list[Tagged]) -> dict[str, Any]:
    """Combine plugins' extras: keys merged (later plugins win), lists concatenated."""
    merged: dict[str, Any] = {}
    for tagged in results:
        if not isinstance(tagged.value, dict):
            raise TypeError(f"{tagged.plugin}: shequ_product_extras must return a dict")
        for key, value in tagged.value.items():
            if isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key] = [*merged[key], *value]
            else:
                merged[key] = list(value) if isinstance(value, list) else value
    return merged


def _as_q(tagged: Tagged) -> Q:
    if isinstance(tagged.value, Q):
        return tagged.value
    if isinstance(tagged.value, dict):
        return Q(**tagged.value)
    raise TypeError(f"{tagged.plugin}: shequ_product_filters must return a dict or a Q")


async def _extras(runtime: Runtime, product: Product) -> dict[str, Any]:
    return merge_extras(await runtime.hooks.transform("shequ_product_extras", product=product))


async def _summary(runtime: Runtime, product: Product) -> ProductSummary:
    summary = ProductSummary.model_validate(product)
    summary.extras = await _extras(runtime, product)
    return summary


async def _with_descendants(category: Category) -> list[int]:
    ids, frontier = [category.id], [category.id]
    while frontier:
        children = await Category.filter(parent_id__in=frontier).values_list("id", flat=True)
        frontier = [child for child in children if child not in ids]  # a cycle stops here
        ids.extend(frontier)
    return ids


def _params(**values: Any) -> dict[str, str]:
    return {key: str(value) for key, value in values.items() if value is not None}


async def list_products(
    runtime: Runtime,
    *,
    shop_id: int | None = None,
    category_id: int | None = None,
    q: str | None = None,
    sort: str = "default",
    page: int = 1,
    per_page: int = 20,
    featured: bool | None = None,
    params: dict[str, str] | None = None,
) -> ProductPage:
    """One page of published products of active shops.

    ``category_id`` includes its sub-categories; ``q`` is a case-insensitive substring of the
    title, subtitle or spec values; plugins narrow the query through
    ``shequ_product_filters``, which receives ``params`` (the raw query strings; built from
    the arguments when not given). Raises :class:`NotFound` for an unknown shop or category.
    """
    if sort not in SORTS:
        raise CatalogError(f"sort must be one of {', '.join(SORTS)}", "sort")
    if page < 1:
        raise CatalogError("page starts at 1", "page")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise CatalogError(f"per_page is between 1 and {MAX_PER_PAGE}", "per_page")
    if params is None:
        params = _params(
            shop=shop_id, category=category_id, q=q, sort=sort, page=page, per_page=per_page
        )
    with catalog_scope(shop_id) as scope:
        browsed = scope if isinstance(scope, int) else None
        if shop_id is not None:
            await _active_shop(shop_id)
        query = Product.filter(status=ProductStatus.PUBLISHED, shop_id__in=_active_shop_ids())
        if category_id is not None:
            category = await Category.get_or_none(id=category_id)
            if category is None:
                raise NotFound("category", category_id)
            query = query.filter(category_id__in=await _with_descendants(category))
        # search_text is stored lower-cased, so a plain LIKE is case-insensitive on every
        # database and for every script (SQLite's own case folding is ASCII-only).
        needle = (q or "").strip().lower()
        if needle:
            query = query.filter(search_text__contains=needle)
        if featured is not None:
            query = query.filter(featured=featured)
        for tagged in await runtime.hooks.transform(
            "shequ_product_filters", shop_id=browsed, params=dict(params)
        ):
            query = query.filter(_as_q(tagged))
        total = await query.count()
        rows = await query.order_by(*SORTS[sort]).offset((page - 1) * per_page).limit(per_page)
        items = [await _summary(runtime, product) for product in rows]
    return ProductPage(
        items=items,
        total=total,
        page=page,
        per_page=per_page,
        pages=math.ceil(total / per_page),
    )


async def product_detail(
    runtime: Runtime, product_id: int, *, shop_id: int | None = None
) -> ProductDetail:
    """A published product of an active shop with its active SKUs, images and category.

    Raises :class:`NotFound` for a draft, an unknown id or a suspended shop's product.
    """
    storage = storage_for(runtime)
    with catalog_scope(shop_id):
        product = await Product.get_or_none(
            id=product_id, status=ProductStatus.PUBLISHED, shop_id__in=_active_shop_ids()
        )
        if product is None:
            raise NotFound("product", product_id)
        skus = await Sku.filter(product_id=product.id, active=True)
        images = await ProductImage.filter(product_id=product.id)
        category = (
            await Category.get_or_none(id=product.category_id) if product.category_id else None
        )
        extras = await _extras(runtime, product)
    shop = await Shop.get(id=product.shop_id)
    return ProductDetail(
        **ProductSummary.model_validate(product).model_dump(exclude={"extras"}),
        extras=extras,
        description_html=product.description_html,
        spec_attributes=[SpecAttributeView(**a) for a in product.spec_attributes],
        skus=[SkuView.model_validate(sku) for sku in skus],
        images=[
            ImageView(id=image.id, url=storage.url(image.storage_key), alt=image.alt)
            for image in images
        ],
        category=CategoryView.model_validate(category) if category else None,
        shop=ShopView.model_validate(shop),
    )


async def list_categories(runtime: Runtime, shop_id: int) -> list[CategoryView]:
    """An active shop's categories in display order; each names its parent (a tree)."""
    with catalog_scope(shop_id):
        await _active_shop(shop_id)
        categories = await Category.all()
    return [CategoryView.model_validate(category) for category in categories]


async def list_shops(runtime: Runtime) -> list[ShopView]:
    """The platform's active shops."""
    return [ShopView.model_validate(shop) for shop in await Shop.filter(status=ACTIVE)]


async def shop_by_slug(runtime: Runtime, slug: str) -> ShopView:
    """An active shop by its slug; :class:`NotFound` otherwise (suspended shops are hidden)."""
    shop = await Shop.get_or_none(slug=slug, status=ACTIVE)
    if shop is None:
        raise NotFound("shop", slug)
    return ShopView.model_validate(shop)
