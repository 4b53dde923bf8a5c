"""Categories: the shop's tree, and a form to add one (through the catalog service)."""

from __future__ import annotations

from aiohttp import web

from shequ.core.admin.flash import flash, see_other
from shequ.core.admin.forms import FormError, integer, text
from shequ.core.admin.guard import ShopAccess, shop_page
from shequ.core.admin.rendering import render
from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.errors import CatalogError
from shequ.core.catalog.models import Category, Product
from shequ.core.catalog.products import create_category


def tree(categories: list[Category]) -> list[tuple[int, Category]]:
    """(depth, category) in display order, children under their parent."""
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[int, Category]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for category in children.get(parent, []):
            if category.id in seen:  # a cycle written by hand must not hang the page
                continue
            seen.add(category.id)
            ordered.append((depth, category))
            walk(category.id, depth + 1)

    walk(None, 0)
    # Orphans (a parent that no longer exists) still show, at the top level.
    ordered += [(0, c) for c in categories if c.id not in seen]
    return ordered


async def _page(request: web.Request, *, error: str | None = None, form=None, status: int = 200):
    categories = await Category.all()
    counts: dict[int, int] = {}
    for category_id in await Product.filter(category_id__isnull=False).values_list(
        "category_id", flat=True
    ):
        counts[category_id] = counts.get(category_id, 0) + 1
    context = {"tree": tree(categories), "counts": counts, "error": error, "form": form or {}}
    return await render(request, "categories.html", context, status=status)


@shop_page()
async def category_list(request: web.Request, access: ShopAccess) -> web.Response:
    return await _page(request)


@shop_page()
async def category_create(request: web.Request, access: ShopAccess) -> web.Response:
    form = await request.post()
    try:
        name = text(form, "name", max_length=64, required=True)
        slug = text(form, "slug", max_length=64) or None
        parent = integer(form, "parent_id", low=1)
        sort = integer(form, "sort", default=0, low=-(2**31) + 1)
        await create_category(
            request.app[RUNTIME], access.shop.id, name, slug=slug, parent_id=parent, sort=sort
        )
    except FormError as exc:
        return await _page(request, error=exc.message, form=form, status=exc.status)
    except CatalogError as exc:
        message = f"{exc.field}: {exc.message}" if exc.field else exc.message
        return await _page(request, error=message, form=form, status=422)
    await flash(request, f"已添加分类「{name}」。")
    raise see_other(f"/admin/shops/{access.shop.id}/categories")
