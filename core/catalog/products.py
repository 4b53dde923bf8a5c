"""Seller-side catalog service: categories, products with their SKUs, images, publishing.

Every function works inside the given shop's scope, so a product id from another shop is
simply not found. Each change runs in one transaction and announces itself with the
``shequ_product_saved`` observe hook, written to the outbox in that same transaction.
"""

from __future__ import annotations

import asyncio
import io
import re
from typing import TYPE_CHECKING, Any

from PIL import Image, UnidentifiedImageError
from pydantic import ValidationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from shequ.core.catalog.errors import CatalogError, InvalidImage, NotFound
from shequ.core.catalog.inputs import ProductInput, SkuInput, SpecAttribute, check_variants
from shequ.core.catalog.models import Category, Product, ProductImage, ProductStatus, Sku
from shequ.core.catalog.sanitize import clean_description
from shequ.core.catalog.scoping import catalog_scope
from shequ.core.catalog.stock import set_stock
from shequ.core.catalog.storage import storage_for
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

__all__ = [
    "ProductInput",
    "SkuInput",
    "SpecAttribute",
    "add_image",
    "create_category",
    "create_product",
    "publish",
    "remove_image",
    "unpublish",
    "update_product",
]

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# Pillow format name -> the content type we store it as.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
# A 5 MB file can still claim a huge canvas (a decompression bomb); refuse before decoding.
MAX_IMAGE_PIXELS = 40_000_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _validated(data: ProductInput | dict[str, Any]) -> ProductInput:
    if isinstance(data, ProductInput):
        return data
    try:
        return ProductInput.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise CatalogError(error["msg"], field or None) from None


async def _check_category(category_id: int | None) -> None:
    if category_id is not None and not await Category.filter(id=category_id).exists():
        raise CatalogError(f"category {category_id} does not exist", "category_id")


async def _check_codes_free(data: ProductInput, product_id: int | None) -> None:
    """SKU codes are unique in the shop: no other product may already use one."""
    codes = [sku.code for sku in data.skus]
    taken = Sku.filter(code__in=codes)
    if product_id is not None:
        taken = taken.exclude(product_id=product_id)
    clash = await taken.first()
    if clash is not None:
        index = codes.index(clash.code)
        raise CatalogError(
            f"SKU code {clash.code!r} is already used by another product", f"skus.{index}.code"
        )


def _apply(product: Product, data: ProductInput, currency: str) -> None:
    product.title = data.title
    product.subtitle = data.subtitle
    product.description_html = clean_description(data.description)
    product.category_id = data.category_id
    product.spec_attributes = [attribute.model_dump() for attribute in data.spec_attributes]
    product.featured = data.featured
    product.sort = data.sort
    product.currency = currency
    # Listings sort and show "from" prices by what can be bought: the active SKUs.
    sellable = [sku for sku in data.skus if sku.active] or data.skus
    product.min_price = min(sku.price for sku in sellable)
    product.max_price = max(sku.price for sku in sellable)
    product.search_text = search_text(data)


def search_text(data: ProductInput) -> str:
    """Lower-cased title, subtitle and spec values, searched by substring (works for Chinese)."""
    parts = [data.title, data.subtitle]
    for attribute in data.spec_attributes:
        parts.extend(attribute.values)
    return " ".join(part for part in parts if part).lower()


def _sku_fields(sku: SkuInput, currency: str) -> dict[str, Any]:
    return {
        "specs": dict(sku.specs),
        "price": sku.price,
        "compare_at_price": sku.compare_at_price,
        "currency": currency,
        "active": sku.active,
    }


def _code_clash() -> CatalogError:
    # Lost a race with another save using the same code (the unique index caught it).
    return CatalogError("a SKU code is already used in this shop", "skus")


async def create_product(
    runtime: Runtime, shop_id: int, data: ProductInput | dict[str, Any]
) -> Product:
    """Create a draft product with its SKUs. Raises :class:`CatalogError`; writes nothing then."""
    data = _validated(data)
    check_variants(data)
    currency = runtime.settings.platform.currency
    with catalog_scope(shop_id):
        try:
            async with in_transaction():
                await _check_category(data.category_id)
                await _check_codes_free(data, None)
                product = Product(shop_id=shop_id, status=ProductStatus.DRAFT)
                _apply(product, data, currency)
                await product.save()
                for sku in data.skus:
                    await Sku.create(
                        product=product,
                        code=sku.code,
                        stock=sku.stock,
                        **_sku_fields(sku, currency),
                    )
                await runtime.hooks.notify(
                    "shequ_product_saved", product_id=product.id, shop_id=shop_id, created=True
                )
        except IntegrityError:
            raise _code_clash() from None
    return product


async def update_product(
    runtime: Runtime, shop_id: int, product_id: int, data: ProductInput | dict[str, Any]
) -> Product:
    """Replace a product's fields and SKUs. SKUs are matched by code; a SKU left out is
    deactivated, never deleted (orders and carts may point at it). Stock levels that differ
    are set through :func:`~shequ.core.catalog.stock.set_stock` (which fires the stock hooks)."""
    data = _validated(data)
    check_variants(data)
    currency = runtime.settings.platform.currency
    with catalog_scope(shop_id):
        try:
            async with in_transaction():
                # Locks the row on PostgreSQL so two edits of one product apply in turn.
                product = await Product.filter(id=product_id).select_for_update().first()
                if product is None:
                    raise NotFound("product", product_id)
                await _check_category(data.category_id)
                await _check_codes_free(data, product.id)
                existing = {sku.code: sku for sku in await Sku.filter(product_id=product.id)}
                submitted = {sku.code for sku in data.skus}
                for sku in existing.values():
                    if sku.code not in submitted and sku.active:
                        sku.active = False
                        await sku.save(update_fields=["active", "updated_at"])
                for sku_input in data.skus:
                    fields = _sku_fields(sku_input, currency)
                    sku = existing.get(sku_input.code)
                    if sku is None:
                        await Sku.create(
                            product=product, code=sku_input.code, stock=sku_input.stock, **fields
                        )
                        continue
                    for name, value in fields.items():
                        setattr(sku, name, value)
                    # Never write stock from a stale object: set_stock reads and announces it.
                    await sku.save(update_fields=[*fields, "updated_at"])
                    if sku.stock != sku_input.stock:
                        await set_stock(runtime, sku.id, sku_input.stock)
                _apply(product, data, currency)
                await product.save()
                await runtime.hooks.notify(
                    "shequ_product_saved", product_id=product.id, shop_id=shop_id, created=False
                )
        except IntegrityError:
            raise _code_clash() from None
    return product


async def _set_status(runtime: Runtime, shop_id: int, product_id: int, status: str) -> Product:
    with catalog_scope(shop_id):
        async with in_transaction():
            product = await Product.filter(id=product_id).select_for_update().first()
            if product is None:
                raise NotFound("product", product_id)
            if (
                status == ProductStatus.PUBLISHED
                and not await Sku.filter(product_id=product.id, active=True).exists()
            ):
                raise CatalogError("a product needs an active SKU before it is published", "skus")
            if product.status != status:
                product.status = status
                await product.save(update_fields=["status", "updated_at"])
                await runtime.hooks.notify(
                    "shequ_product_saved", product_id=product.id, shop_id=shop_id, created=False
                )
    return product


async def publish(runtime: Runtime, shop_id: int, product_id: int) -> Product:
    """Show the product to buyers (it needs at least one active SKU)."""
    return await _set_status(runtime, shop_id, product_id, ProductStatus.PUBLISHED)


async def unpublish(runtime: Runtime, shop_id: int, product_id: int) -> Product:
    """Hide the product again (back to draft); orders already placed are unaffected."""
    return await _set_status(runtime, shop_id, product_id, ProductStatus.DRAFT)


def inspect_image(data: bytes) -> str:
    """The content type of an accepted image, or :class:`InvalidImage` saying why not.

    The bytes decide, not the file name or the client's content type.
    """
    if not data:
        raise InvalidImage("the image file is empty", "image")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidImage(
            f"the image is {len(data) / 1_048_576:.1f} MB; the limit is 5 MB", "image"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            if kind not in IMAGE_FORMATS:
                raise InvalidImage(
                    f"{kind} images are not accepted; use JPEG, PNG, WebP or GIF", "image"
                )
            if width * height > MAX_IMAGE_PIXELS:
                raise InvalidImage(f"the image is too large ({width}x{height} pixels)", "image")
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # verify() does not decode; a truncated file fails here
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidImage(
            "the file is not a readable image (JPEG, PNG, WebP or GIF)", "image"
        ) from None
    return IMAGE_FORMATS[kind]


async def add_image(
    runtime: Runtime,
    product: Product,
    data: bytes,
    filename: str,
    content_type: str,
    *,
    alt: str = "",
) -> ProductImage:
    """Check and store an uploaded image and append it to the product's gallery.

    Raises :class:`InvalidImage` (a ``ValueError``) unless it is a real JPEG, PNG, WebP or GIF
    of at most 5 MB. ``content_type`` is the client's claim; the bytes are what count.
    """
    real_type = await asyncio.to_thread(inspect_image, data)
    storage = storage_for(runtime)
    key = await storage.save(data, filename, real_type)
    shop_id = product.shop_id
    with catalog_scope(shop_id):
        async with in_transaction():
            locked = await Product.filter(id=product.id).select_for_update().first()
            if locked is None:
                raise NotFound("product", product.id)
            count = await ProductImage.filter(product_id=locked.id).count()
            image = await ProductImage.create(
                product_id=locked.id, storage_key=key, alt=alt[:120], sort=count
            )
            if not locked.cover_url:
                locked.cover_url = storage.url(key)
                await locked.save(update_fields=["cover_url", "updated_at"])
                product.cover_url = locked.cover_url
            await runtime.hooks.notify(
                "shequ_product_saved", product_id=locked.id, shop_id=shop_id, created=False
            )
    return image


async def remove_image(runtime: Runtime, shop_id: int, image_id: int) -> None:
    """Remove an image from its product; the file goes once no product uses it any more."""
    storage = storage_for(runtime)
    with catalog_scope(shop_id):
        async with in_transaction():
            image = await ProductImage.get_or_none(id=image_id)
            if image is None:
                raise NotFound("image", image_id)
            product = await Product.filter(id=image.product_id).select_for_update().first()
            await image.delete()
            if product is not None and product.cover_url == storage.url(image.storage_key):
                first = await ProductImage.filter(product_id=product.id).first()
                product.cover_url = storage.url(first.storage_key) if first else ""
                await product.save(update_fields=["cover_url", "updated_at"])
            if product is not None:
                await runtime.hooks.notify(
                    "shequ_product_saved", product_id=product.id, shop_id=shop_id, created=False
                )
    # Content-addressed: the same file may back images in any shop.
    with shop_scope(ALL_SHOPS):
        still_used = await ProductImage.filter(storage_key=image.storage_key).exists()
    if not still_used:
        await storage.delete(image.storage_key)


def _slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56]
    return slug or "category"


async def create_category(
    runtime: Runtime,
    shop_id: int,
    name: str,
    *,
    slug: str | None = None,
    parent_id: int | None = None,
    sort: int = 0,
) -> Category:
    """Create a category (optionally under a parent of the same shop).

    Without a ``slug`` one is made from the name (``category-2`` style for Chinese names).
    """
    name = name.strip()
    if not name or len(name) > 64:
        raise CatalogError("a category name has 1 to 64 characters", "name")
    if slug is not None and not SLUG.match(slug):
        raise CatalogError("a slug uses a-z, 0-9 and '-' (at most 64)", "slug")
    with catalog_scope(shop_id):
        async with in_transaction():
            if parent_id is not None and not await Category.filter(id=parent_id).exists():
                raise CatalogError(f"parent category {parent_id} does not exist", "parent_id")
            if slug is None:
                base = _slugify(name)
                slug, n = base, 1
                while await Category.filter(slug=slug).exists():
                    n += 1
                    slug = f"{base}-{n}"
            elif await Category.filter(slug=slug).exists():
                raise CatalogError(f"slug {slug!r} is already used in this shop", "slug")
            try:
                async with in_transaction():  # savepoint: a lost slug race leaves no trace
                    return await Category.create(
                        name=name, slug=slug, parent_id=parent_id, sort=sort
                    )
            except IntegrityError:
                raise CatalogError(f"slug {slug!r} is already used in this shop", "slug") from None
