"""The cart page: lines grouped by shop with each shop's price breakdown, and the forms that
add, change and remove lines (plain POSTs, answered with a redirect)."""

from __future__ import annotations

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.errors import NotFound
from shequ.core.catalog.listing import product_detail
from shequ.core.checkout import cart as carts
from shequ.core.orders.errors import CommerceError
from shequ.core.storefront.pages.cart_view import build_cart_view
from shequ.core.storefront.pages.flash import flash
from shequ.core.storefront.pages.forms import positive_int, see_other, text
from shequ.core.storefront.pages.messages import describe
from shequ.core.storefront.pages.picker import chosen_sku
from shequ.core.storefront.pages.product import show_product
from shequ.core.storefront.pages.view import not_found, page, translate
from shequ.core.web.session import GUEST_KEY, guest_key, load_session


async def cart_owner(request: web.Request, *, create: bool = True) -> carts.CartOwner | None:
    """The signed-in customer's cart, else this browser's guest cart.

    With ``create=False`` a browser without a guest cart gets ``None`` (looking at an empty
    cart must not start a session).
    """
    customer = request.get("customer")
    if customer is not None:
        return carts.CartOwner(customer_id=customer.id)
    if create:
        return carts.CartOwner(session_key=await guest_key(request))
    key = (await load_session(request)).get(GUEST_KEY)
    return carts.CartOwner(session_key=key) if key else None


async def show_cart(
    request: web.Request, *, status: int = 200, error: str | None = None
) -> web.Response:
    owner = await cart_owner(request, create=False)
    items = await carts.load_items(await carts.find_cart(owner)) if owner else []
    customer_id = owner.customer_id if owner else None
    view = await build_cart_view(request.app[RUNTIME], items, customer_id, {})
    return await page(request, "cart.html", {"cart": view}, status=status, error=error)


async def cart_page(request: web.Request) -> web.Response:
    return await show_cart(request)


async def add_to_cart(request: web.Request) -> web.Response:
    """The product page's form: the chosen SKU (radios or ``sku_id``) and a quantity.

    ``then=checkout`` (立即购买) goes on to checkout; otherwise back to the product.
    """
    runtime = request.app[RUNTIME]
    form = await request.post()
    product_id = positive_int(form, "product_id")
    if product_id is None:
        return await not_found(request)
    try:
        product = await product_detail(runtime, product_id)
    except NotFound:
        return await not_found(request)
    sku = chosen_sku(product, form)
    quantity = positive_int(form, "quantity")

    async def refused(message: str, status: int = 422) -> web.Response:
        return await show_product(
            request,
            product.id,
            selected=sku.id if sku else None,
            quantity=quantity or 1,
            status=status,
            error=message,
        )

    if sku is None:
        return await refused(translate(request, "Please choose one of the available options."))
    if quantity is None or quantity > carts.MAX_QUANTITY:
        return await refused(translate(request, "Quantity must be a whole number from 1 to 999."))
    try:
        await carts.add_line(runtime, await cart_owner(request), sku.id, quantity)
    except CommerceError as exc:
        return await refused(describe(request, exc), exc.status)
    if text(form, "then", 16) == "checkout":
        raise see_other("/checkout")
    await flash(request, translate(request, "Added to your cart."))
    raise see_other(f"/p/{product.id}?sku={sku.id}")


async def update_line(request: web.Request) -> web.Response:
    """A cart line's form: ``action=remove``, or a new ``quantity``."""
    runtime = request.app[RUNTIME]
    form = await request.post()
    line_id = int(request.match_info["line_id"])
    owner = await cart_owner(request, create=False)
    if owner is None:
        return await show_cart(
            request, status=404, error=translate(request, "This item is no longer in your cart.")
        )
    try:
        if text(form, "action", 16) == "remove":
            await carts.remove_line(runtime, owner, line_id)
            await flash(request, translate(request, "Removed from your cart."))
        else:
            quantity = positive_int(form, "quantity")
            if quantity is None or quantity > carts.MAX_QUANTITY:
                message = translate(request, "Quantity must be a whole number from 1 to 999.")
                return await show_cart(request, status=422, error=message)
            await carts.change_line(runtime, owner, line_id, quantity)
    except CommerceError as exc:
        return await show_cart(request, status=exc.status, error=describe(request, exc))
    raise see_other("/cart")
