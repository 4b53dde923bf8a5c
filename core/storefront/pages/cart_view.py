"""What the cart and checkout pages show: lines grouped by shop, each shop's price
breakdown from the pricing pipeline (every adjustment with its label), and the total."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shequ.core.checkout.cart import CartItem
from shequ.core.checkout.placement import price_cart
from shequ.core.checkout.pricing import OrderDraft

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime


@dataclass(frozen=True)
class LineView:
    id: int
    sku_id: int
    product_id: int | None
    title: str
    specs: str
    cover_url: str
    quantity: int
    unit_price: int | None
    line_total: int | None
    currency: str
    stock: int
    # None, "unavailable" or "insufficient_stock".
    problem: str | None


@dataclass(frozen=True)
class AdjustmentView:
    code: str
    label: str
    amount: int
    plugin: str


@dataclass(frozen=True)
class ShopGroup:
    shop_id: int
    shop_name: str
    shop_slug: str
    lines: tuple[LineView, ...]
    subtotal: int
    adjustments: tuple[AdjustmentView, ...]
    total: int
    currency: str


@dataclass(frozen=True)
class CartView:
    groups: tuple[ShopGroup, ...]
    total: int
    currency: str
    count: int

    @property
    def lines(self) -> tuple[LineView, ...]:
        return tuple(line for group in self.groups for line in group.lines)

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)

    @property
    def payable(self) -> bool:
        return bool(self.lines) and not self.has_problems


def specs_text(specs: dict[str, Any], attributes: list[dict[str, Any]]) -> str:
    """``红色 / M`` in the product's attribute order (JSON objects keep no key order on
    PostgreSQL); values of unknown attributes follow in name order."""
    names = [attribute.get("name") for attribute in attributes]
    ordered = [name for name in names if name in specs]
    ordered += sorted(name for name in specs if name not in names)
    return " / ".join(str(specs[name]) for name in ordered)


def line_view(item: CartItem, currency: str) -> LineView:
    sku = item.sku
    return LineView(
        id=item.line.id,
        sku_id=item.line.sku_id,
        product_id=sku.product_id if sku else None,
        title=sku.product.title if sku else "",
        specs=specs_text(sku.specs, sku.product.spec_attributes) if sku else "",
        cover_url=sku.product.cover_url if sku else "",
        quantity=item.line.quantity,
        unit_price=sku.price if sku else None,
        line_total=sku.price * item.line.quantity if sku else None,
        currency=sku.currency if sku else currency,
        stock=sku.stock if sku else 0,
        problem=item.problem,
    )


async def build_cart_view(
    runtime: Runtime, items: list[CartItem], customer_id: int | None, address: dict[str, Any]
) -> CartView:
    """Group ``items`` by shop and price what can be bought now (the address may be empty)."""
    currency = runtime.settings.platform.currency
    buyable = [item for item in items if item.problem is None]
    drafts: dict[int, OrderDraft] = {
        draft.shop_id: draft for draft in await price_cart(runtime, buyable, customer_id, address)
    }
    by_shop: dict[int, list[CartItem]] = {}
    for item in items:
        by_shop.setdefault(item.line.shop_id, []).append(item)
    groups = []
    for shop_id, shop_items in by_shop.items():
        shop = next((item.sku.shop for item in shop_items if item.sku is not None), None)
        draft = drafts.get(shop_id)
        groups.append(
            ShopGroup(
                shop_id=shop_id,
                shop_name=shop.name if shop else "",
                shop_slug=shop.slug if shop else "",
                lines=tuple(line_view(item, currency) for item in shop_items),
                subtotal=draft.subtotal if draft else 0,
                adjustments=tuple(
                    AdjustmentView(adj.code, adj.label, adj.amount, adj.plugin)
                    for adj in (draft.adjustments if draft else [])
                ),
                total=draft.total if draft else 0,
                currency=draft.currency if draft else currency,
            )
        )
    return CartView(
        groups=tuple(groups),
        total=sum(draft.total for draft in drafts.values()),
        currency=next(iter(drafts.values())).currency if drafts else currency,
        count=sum(item.line.quantity for item in items),
    )
