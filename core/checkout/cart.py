"""The cart: one per customer (or per guest session), holding SKUs of any number of shops.

Every add or change checks the quantity (a whole number 1..999, and no more than the stock),
that the SKU is on sale, and asks the ``shequ_validate_cart_line`` hook before writing. A
guest's cart is merged into the customer's at login (:func:`merge_guest_cart`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from shequ.core.catalog.models import ProductStatus, Sku
from shequ.core.checkout.models import Cart, CartLine
from shequ.core.orders.errors import Conflict, Invalid, NotFound, Vetoed
from shequ.core.pluginsys.dispatch import HookVeto
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

MAX_QUANTITY = 999
_WRITE_ATTEMPTS = 3  # optimistic writes retried when a concurrent request got there first


@dataclass(frozen=True)
class CartOwner:
    """Whose cart: a signed-in customer, or a guest known by a session key."""

    customer_id: int | None = None
    session_key: str | None = None

    def __post_init__(self) -> None:
        if (self.customer_id is None) == (self.session_key is None):
            raise ValueError("a cart belongs to a customer or to a guest session, not both")

    def filters(self) -> dict[str, Any]:
        if self.customer_id is not None:
            return {"customer_id": self.customer_id}
        return {"session_key": self.session_key}


@dataclass
class CartItem:
    """A cart line with its SKU (and product, shop) as they are now."""

    line: CartLine
    sku: Sku | None

    @property
    def problem(self) -> str | None:
        """Why this line cannot be bought now, or None."""
        if self.sku is None or not is_on_sale(self.sku):
            return "unavailable"
        if self.sku.stock < self.line.quantity:
            return "insufficient_stock"
        return None


def check_quantity(quantity: Any, field: str = "quantity") -> int:
    if type(quantity) is not int or not 1 <= quantity <= MAX_QUANTITY:
        raise Invalid(f"Quantity must be a whole number from 1 to {MAX_QUANTITY}.", field=field)
    return quantity


def is_on_sale(sku: Sku) -> bool:
    return (
        sku.active and sku.product.status == ProductStatus.PUBLISHED and sku.shop.status == "active"
    )


async def sellable_sku(sku_id: Any) -> Sku:
    """The SKU with its product and shop, if it can be bought; else a 404/422 error."""
    if type(sku_id) is not int:
        raise Invalid("sku_id must be an integer.", field="sku_id")
    with shop_scope(ALL_SHOPS):  # a cart spans shops
        sku = await Sku.filter(id=sku_id).select_related("product", "shop").first()
    if sku is None:
        raise NotFound("This product does not exist.", code="sku_not_found", field="sku_id")
    if not is_on_sale(sku):
        raise Invalid("This product is not on sale.", code="unavailable", field="sku_id")
    return sku


def check_stock(sku: Sku, quantity: int) -> None:
    if quantity > sku.stock:
        raise Invalid(
            f"Only {sku.stock} left of {sku.product.title}.",
            code="insufficient_stock",
            field="quantity",
        )


async def find_cart(owner: CartOwner) -> Cart | None:
    return await Cart.filter(**owner.filters()).order_by("id").first()


async def cart_for(owner: CartOwner) -> Cart:
    """The owner's cart, created on first use (unique per customer and per session key)."""
    cart = await find_cart(owner)
    if cart is not None:
        return cart
    try:
        async with in_transaction():  # a savepoint when the caller is in a transaction
            return await Cart.create(**owner.filters())
    except IntegrityError:  # a concurrent request created it first
        cart = await find_cart(owner)
        assert cart is not None
        return cart


async def _validate_line(runtime: Runtime, owner: CartOwner, sku: Sku, quantity: int) -> None:
    try:
        await runtime.hooks.validate(
            "shequ_validate_cart_line",
            customer_id=owner.customer_id,
            sku_id=sku.id,
            shop_id=sku.shop_id,
            quantity=quantity,
        )
    except HookVeto as veto:
        raise Vetoed(veto) from None


async def add_line(runtime: Runtime, owner: CartOwner, sku_id: Any, quantity: Any) -> CartLine:
    """Add ``quantity`` of a SKU; an existing line for the SKU grows by it.

    The validate hook sees the line's resulting quantity.
    """
    check_quantity(quantity)
    sku = await sellable_sku(sku_id)
    for _ in range(_WRITE_ATTEMPTS):
        cart = await find_cart(owner)
        line = await CartLine.get_or_none(cart_id=cart.id, sku_id=sku.id) if cart else None
        new_quantity = quantity + (line.quantity if line else 0)
        check_quantity(new_quantity)
        check_stock(sku, new_quantity)
        await _validate_line(runtime, owner, sku, new_quantity)
        if cart is None:  # created only once everything is checked
            cart = await cart_for(owner)
        if line is None:
            try:
                async with in_transaction():
                    return await CartLine.create(
                        cart_id=cart.id, sku_id=sku.id, shop_id=sku.shop_id, quantity=quantity
                    )
            except IntegrityError:
                continue  # the same SKU was added concurrently: add to that line instead
        # Conditional on the quantity we read, so two concurrent adds both count.
        if await CartLine.filter(id=line.id, quantity=line.quantity).update(quantity=new_quantity):
            line.quantity = new_quantity
            return line
    raise Conflict("The cart changed meanwhile; please try again.", code="cart_busy")


async def _owned_line(owner: CartOwner, line_id: int) -> CartLine:
    cart = await find_cart(owner)
    line = None
    if cart is not None:
        line = await CartLine.get_or_none(id=line_id, cart_id=cart.id)
    if line is None:
        raise NotFound("No such line in your cart.", code="cart_line_not_found")
    return line


async def change_line(runtime: Runtime, owner: CartOwner, line_id: int, quantity: Any) -> CartLine:
    check_quantity(quantity)
    line = await _owned_line(owner, line_id)
    sku = await sellable_sku(line.sku_id)
    check_stock(sku, quantity)
    await _validate_line(runtime, owner, sku, quantity)
    await CartLine.filter(id=line.id).update(quantity=quantity)
    line.quantity = quantity
    return line


async def remove_line(runtime: Runtime, owner: CartOwner, line_id: int) -> None:
    line = await _owned_line(owner, line_id)
    await CartLine.filter(id=line.id).delete()


async def load_items(cart: Cart | None) -> list[CartItem]:
    """The cart's lines (oldest first) with their SKUs, products and shops."""
    if cart is None:
        return []
    lines = await CartLine.filter(cart_id=cart.id).order_by("id")
    if not lines:
        return []
    with shop_scope(ALL_SHOPS):
        skus = {
            sku.id: sku
            for sku in await Sku.filter(id__in=[line.sku_id for line in lines]).select_related(
                "product", "shop"
            )
        }
    return [CartItem(line, skus.get(line.sku_id)) for line in lines]


def item_json(item: CartItem) -> dict[str, Any]:
    sku = item.sku
    return {
        "id": item.line.id,
        "sku_id": item.line.sku_id,
        "shop_id": item.line.shop_id,
        "quantity": item.line.quantity,
        "product_id": sku.product_id if sku else None,
        "title": sku.product.title if sku else "",
        "specs": sku.specs if sku else {},
        "unit_price": sku.price if sku else None,
        "currency": sku.currency if sku else None,
        "line_subtotal": sku.price * item.line.quantity if sku else None,
        "stock": sku.stock if sku else 0,
        "shop_name": sku.shop.name if sku else "",
        "problem": item.problem,
    }


async def cart_json(owner: CartOwner) -> dict[str, Any]:
    items = await load_items(await find_cart(owner))
    return {
        "lines": [item_json(item) for item in items],
        "count": sum(item.line.quantity for item in items),
    }


async def merge_guest_cart(runtime: Runtime, session_key: str, customer_id: int) -> None:
    """Move a guest's cart into the customer's at login.

    Quantities of the same SKU add up, capped at the stock (and at 999); lines that are no
    longer on sale, or that a plugin refuses, are dropped. The guest cart is deleted.
    """
    guest = await find_cart(CartOwner(session_key=session_key))
    if guest is None:
        return
    owner = CartOwner(customer_id=customer_id)
    async with in_transaction():
        cart = await cart_for(owner)
        existing = {line.sku_id: line for line in await CartLine.filter(cart_id=cart.id)}
        for item in await load_items(guest):
            if item.sku is None or not is_on_sale(item.sku):
                continue
            current = existing.get(item.sku.id)
            wanted = item.line.quantity + (current.quantity if current else 0)
            quantity = min(wanted, item.sku.stock, MAX_QUANTITY)
            if quantity < 1:
                continue
            try:
                await _validate_line(runtime, owner, item.sku, quantity)
            except Vetoed as exc:
                log.info("guest cart line for SKU %s dropped at login: %s", item.sku.id, exc)
                continue
            if current is not None:
                await CartLine.filter(id=current.id).update(quantity=quantity)
            else:
                await CartLine.create(
                    cart_id=cart.id, sku_id=item.sku.id, shop_id=item.sku.shop_id, quantity=quantity
                )
        await CartLine.filter(cart_id=guest.id).delete()
        await Cart.filter(id=guest.id).delete()
