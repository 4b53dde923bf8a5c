"""Products: list, create and edit with SKUs, images, stock, publish and unpublish.

Writes go through the catalog services (:mod:`shequ.core.catalog.products`,
:mod:`shequ.core.catalog.stock`), which run the hooks; this module only reads forms and
renders pages. Handlers run in the shop's scope (see :mod:`.guard`), so a product of another
shop is not found.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from tortoise.transactions import in_transaction

from shequ.core.admin import product_form
from shequ.core.admin.flash import flash, see_other
from shequ.core.admin.forms import FormError, paginate, text
from shequ.core.admin.guard import Denied, ShopAccess, shop_page
from shequ.core.admin.money import MoneyError
from shequ.core.admin.rendering import render
from shequ.core.appkeys import RUNTIME
from shequ.core.catalog import products as catalog
from shequ.core.catalog.errors import CatalogError, NotFound
from shequ.core.catalog.models import Category, Product, ProductImage, Sku
from shequ.core.catalog.stock import set_stock
from shequ.core.catalog.storage import storage_for

STATUSES = {"draft": "草稿", "published": "已上架"}


def _product_id(request: web.Request) -> int:
    return int(request.match_info["product_id"])


async def _product_or_404(request: web.Request) -> Product:
    product = await Product.get_or_none(id=_product_id(request))
    if product is None:
        raise Denied(404, "没有这个商品。")
    return product


@shop_page()
async def product_list(request: web.Request, access: ShopAccess) -> web.Response:
    query = request.query
    q = text(query, "q", max_length=100)
    status = query.get("status", "")
    category = query.get("category", "")
    products = Product.all()
    if q:
        products = products.filter(search_text__contains=q.lower())
    if status in STATUSES:
        products = products.filter(status=status)
    if category.isdigit() and len(category) <= 18:
        products = products.filter(category_id=int(category))
    page = await paginate(
        products.order_by("-id"), query, {"q": q, "status": status, "category": category}
    )
    ids = [product.id for product in page.items]
    stock: dict[int, int] = {}
    for product_id, level in await Sku.filter(product_id__in=ids, active=True).values_list(
        "product_id", "stock"
    ):
        stock[product_id] = stock.get(product_id, 0) + level
    context = {
        "page": page,
        "stock": stock,
        "q": q,
        "status": status,
        "category": category,
        "statuses": STATUSES,
        "categories": await Category.all(),
    }
    return await render(request, "products/list.html", context)


async def _form_page(
    request: web.Request,
    state: product_form.ProductForm,
    *,
    product: Product | None = None,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    context: dict[str, Any] = {
        "form": state,
        "product": product,
        "error": error,
        "categories": await Category.all(),
    }
    if product is not None:
        storage = storage_for(request.app[RUNTIME])
        images = await ProductImage.filter(product_id=product.id)
        context["images"] = [(image, storage.url(image.storage_key)) for image in images]
        context["skus"] = skus = await Sku.filter(product_id=product.id).order_by("id")
        # Existing SKUs' stock is edited in the stock form, even when the form is re-shown.
        levels = {sku.code: sku.stock for sku in skus}
        for row in state.rows:
            if row.code in levels:
                row.current_stock = levels[row.code]
    return await render(request, "products/form.html", context, status=status)


@shop_page()
async def product_new(request: web.Request, access: ShopAccess) -> web.Response:
    return await _form_page(request, product_form.ProductForm().padded())


def _describe(exc: Exception) -> str:
    if isinstance(exc, CatalogError) and exc.field and not exc.message.startswith(exc.field):
        return f"{exc.field}: {exc.message}"
    return getattr(exc, "message", str(exc))


@shop_page()
async def product_create(request: web.Request, access: ShopAccess) -> web.Response:
    runtime = request.app[RUNTIME]
    form = await request.post()
    state = product_form.read_form(form)
    try:
        if form.get("action") == "expand":
            return await _form_page(request, product_form.expand(state).padded())
        product = await catalog.create_product(
            runtime, access.shop.id, product_form.to_input(state)
        )
    except (FormError, MoneyError, CatalogError) as exc:
        return await _form_page(request, state.padded(), error=_describe(exc), status=422)
    await flash(request, f"已创建商品「{product.title}」（草稿）。")
    raise see_other(f"/admin/shops/{access.shop.id}/products/{product.id}")


@shop_page()
async def product_edit(request: web.Request, access: ShopAccess) -> web.Response:
    product = await _product_or_404(request)
    skus = await Sku.filter(product_id=product.id).order_by("id")
    return await _form_page(request, product_form.from_product(product, skus), product=product)


async def _update_keeping_stock(runtime, shop_id: int, product_id: int, data: dict[str, Any]):
    """Save the product form without touching the stock of existing SKUs: orders may have
    taken stock since the form was rendered, and the stock form handles levels explicitly.
    The product row, then its SKUs, are locked while we read their current stock."""
    async with in_transaction():
        if await Product.filter(id=product_id).select_for_update().first() is None:
            raise NotFound("product", product_id)
        current = {
            sku.code: sku.stock
            for sku in await Sku.filter(product_id=product_id).select_for_update()
        }
        for sku in data["skus"]:
            if sku["code"] in current:
                sku["stock"] = current[sku["code"]]
        return await catalog.update_product(runtime, shop_id, product_id, data)


@shop_page()
async def product_update(request: web.Request, access: ShopAccess) -> web.Response:
    product = await _product_or_404(request)
    form = await request.post()
    state = product_form.read_form(form)
    try:
        if form.get("action") == "expand":
            return await _form_page(request, product_form.expand(state).padded(), product=product)
        await _update_keeping_stock(
            request.app[RUNTIME], access.shop.id, product.id, product_form.to_input(state)
        )
    except NotFound:
        raise Denied(404, "没有这个商品。") from None
    except (FormError, MoneyError, CatalogError) as exc:
        return await _form_page(
            request, state.padded(), product=product, error=_describe(exc), status=422
        )
    await flash(request, "商品已保存。")
    raise see_other(f"/admin/shops/{access.shop.id}/products/{product.id}")


async def _edit_with_error(
    request: web.Request, product: Product, message: str, status: int = 422
) -> web.Response:
    skus = await Sku.filter(product_id=product.id).order_by("id")
    state = product_form.from_product(product, skus)
    return await _form_page(request, state, product=product, error=message, status=status)


@shop_page()
async def image_upload(request: web.Request, access: ShopAccess) -> web.Response:
    product = await _product_or_404(request)
    form = await request.post()
    upload = form.get("image")
    if not isinstance(upload, web.FileField):
        return await _edit_with_error(request, product, "image: choose an image file")
    data = await asyncio.to_thread(upload.file.read)
    try:
        await catalog.add_image(
            request.app[RUNTIME],
            product,
            data,
            upload.filename or "upload",
            upload.content_type,
            alt=text(form, "alt", max_length=120),
        )
    except CatalogError as exc:
        return await _edit_with_error(request, product, _describe(exc))
    await flash(request, "图片已上传。")
    raise see_other(f"/admin/shops/{access.shop.id}/products/{product.id}")


@shop_page()
async def image_delete(request: web.Request, access: ShopAccess) -> web.Response:
    product = await _product_or_404(request)
    image_id = int(request.match_info["image_id"])
    if not await ProductImage.filter(id=image_id, product_id=product.id).exists():
        raise Denied(404, "没有这张图片。")
    await catalog.remove_image(request.app[RUNTIME], access.shop.id, image_id)
    await flash(request, "图片已删除。")
    raise see_other(f"/admin/shops/{access.shop.id}/products/{product.id}")


class StockChanged(FormError):
    def __init__(self, code: str, now: int):
        super().__init__(
            f"SKU {code}: the stock changed to {now} since the page was loaded "
            "(orders took some); check the numbers and save again.",
            "stock",
            status=409,
        )


async def _set_stock_levels(runtime, product_id: int, form) -> int:
    """Set every changed level, all or nothing. Each row carries the level it was shown
    with; if an order took stock meanwhile the whole change is refused (409), so a seller
    never overwrites a sale they did not see. The SKU rows stay locked until commit."""
    changed = 0
    async with in_transaction():
        skus = await Sku.filter(product_id=product_id).select_for_update().order_by("id")
        for sku in skus:
            new = _level(form, f"stock-{sku.id}")
            if new is None or new == sku.stock:
                continue
            expected = _level(form, f"expected-{sku.id}")
            if expected is not None and expected != sku.stock:
                raise StockChanged(sku.code, sku.stock)
            await set_stock(runtime, sku.id, new)
            changed += 1
    return changed


def _level(form, name: str) -> int | None:
    raw = text(form, name, max_length=12)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 2**31 - 1:
        raise FormError(f"{name}: enter a whole number of 0 or more", name)
    return int(raw)


@shop_page()
async def stock_update(request: web.Request, access: ShopAccess) -> web.Response:
    product = await _product_or_404(request)
    try:
        changed = await _set_stock_levels(request.app[RUNTIME], product.id, await request.post())
    except FormError as exc:
        return await _edit_with_error(request, product, exc.message, exc.status)
    await flash(request, f"已更新 {changed} 个 SKU 的库存。" if changed else "库存没有变化。")
    raise see_other(f"/admin/shops/{access.shop.id}/products/{product.id}")


def _status_change(publish: bool):
    @shop_page()
    async def change(request: web.Request, access: ShopAccess) -> web.Response:
        product = await _product_or_404(request)
        action = catalog.publish if publish else catalog.unpublish
        try:
            await action(request.app[RUNTIME], access.shop.id, product.id)
        except CatalogError as exc:
            return await _edit_with_error(request, product, _describe(exc))
        await flash(request, "商品已上架。" if publish else "商品已下架（草稿）。")
        back = request.query.get("back") == "list"
        raise see_other(
            f"/admin/shops/{access.shop.id}/products" + ("" if back else f"/{product.id}")
        )

    change.__name__ = "product_publish" if publish else "product_unpublish"
    return change


product_publish = _status_change(True)
product_unpublish = _status_change(False)
