"""What buyers see of the catalog: the listing and API response shapes (also the OpenAPI
schemas). Built from models with ``from_attributes``; money stays integer fen."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _View(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ShopView(_View):
    id: int
    slug: str
    name: str
    notice: str = ""
    logo_url: str = ""


class CategoryView(_View):
    id: int
    shop_id: int
    name: str
    slug: str
    parent_id: int | None = None
    sort: int = 0


class ProductSummary(_View):
    id: int
    shop_id: int
    title: str
    subtitle: str
    category_id: int | None = None
    min_price: int = Field(description="lowest active SKU price, in fen")
    max_price: int = Field(description="highest active SKU price, in fen")
    currency: str
    cover_url: str
    sales_count: int
    featured: bool
    extras: dict[str, Any] = Field(
        default_factory=dict, description="display extras from plugins (badges, labels)"
    )


class ProductPage(BaseModel):
    items: list[ProductSummary]
    total: int
    page: int
    per_page: int
    pages: int


class SpecAttributeView(BaseModel):
    name: str
    values: list[str]


class SkuView(_View):
    id: int
    code: str
    specs: dict[str, str]
    price: int = Field(description="in fen")
    compare_at_price: int | None = Field(default=None, description="in fen")
    currency: str
    stock: int


class ImageView(BaseModel):
    id: int
    url: str
    alt: str


class ProductDetail(ProductSummary):
    description_html: str
    spec_attributes: list[SpecAttributeView]
    skus: list[SkuView]
    images: list[ImageView]
    category: CategoryView | None = None
    shop: ShopView


class ShopList(BaseModel):
    items: list[ShopView]


class CategoryList(BaseModel):
    items: list[CategoryView]
