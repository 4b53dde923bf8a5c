"""Cart and checkout API. Bodies refuse unknown fields, so a client-sent price is a 422."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from shequ.core.api.routing import ApiRouter, json_dumps
from shequ.core.appkeys import RUNTIME
from shequ.core.checkout import cart as carts
from shequ.core.checkout.placement import (
    IDEMPOTENCY_KEY,
    place_orders,
    price_cart,
    saved_address,
)
from shequ.core.orders.errors import api_errors
from shequ.core.orders.views import order_summary
from shequ.core.payments.service import payment_json
from shequ.core.web.errors import ApiError
from shequ.core.web.session import guest_key

router = ApiRouter(tag="checkout")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LineBody(Strict):
    sku_id: StrictInt = Field(ge=1)
    quantity: StrictInt = Field(ge=1, le=carts.MAX_QUANTITY)


class QuantityBody(Strict):
    quantity: StrictInt = Field(ge=1, le=carts.MAX_QUANTITY)


class AddressBody(Strict):
    recipient: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=1, max_length=32)
    province: str = Field(min_length=1, max_length=32)
    city: str = Field(min_length=1, max_length=32)
    district: str = Field(default="", max_length=32)  # some cities have none (东莞)
    detail: str = Field(min_length=1, max_length=255)


class CheckoutBody(Strict):
    address_id: StrictInt | None = Field(default=None, ge=1)
    address: AddressBody | None = None
    buyer_note: str = Field(default="", max_length=200)
    idempotency_key: str | None = Field(default=None, pattern=IDEMPOTENCY_KEY.pattern)


class PreviewQuery(Strict):
    address_id: int | None = Field(default=None, ge=1)


async def cart_owner(request: web.Request) -> carts.CartOwner:
    """The signed-in customer's cart, else the guest session's."""
    customer = request.get("customer")
    if customer is not None:
        return carts.CartOwner(customer_id=customer.id)
    if request.headers.get("Authorization"):  # a bad or expired token is not a guest
        raise ApiError(401, "unauthenticated", "Please sign in first.")
    return carts.CartOwner(session_key=await guest_key(request))


def _line_id(request: web.Request) -> int:
    return int(request.match_info["line_id"])


@router.get("/cart", summary="The cart: lines of every shop, with availability", auth="optional")
@api_errors
async def get_cart(request: web.Request, body: None) -> dict[str, Any]:
    return await carts.cart_json(await cart_owner(request))


@router.post(
    "/cart/lines",
    summary="Add a SKU to the cart (an existing line grows)",
    auth="optional",
    body=LineBody,
    status=201,
    errors={404: "unknown SKU", 422: "bad quantity, not on sale, or vetoed by a plugin"},
)
@api_errors
async def add_cart_line(request: web.Request, body: LineBody) -> dict[str, Any]:
    owner = await cart_owner(request)
    await carts.add_line(request.app[RUNTIME], owner, body.sku_id, body.quantity)
    return await carts.cart_json(owner)


@router.patch(
    r"/cart/lines/{line_id:\d+}",
    summary="Change a cart line's quantity",
    auth="optional",
    body=QuantityBody,
    errors={404: "no such line in this cart", 422: "bad quantity or vetoed"},
)
@api_errors
async def change_cart_line(request: web.Request, body: QuantityBody) -> dict[str, Any]:
    owner = await cart_owner(request)
    await carts.change_line(request.app[RUNTIME], owner, _line_id(request), body.quantity)
    return await carts.cart_json(owner)


@router.delete(
    r"/cart/lines/{line_id:\d+}",
    summary="Remove a cart line",
    auth="optional",
    errors={404: "no such line in this cart"},
)
@api_errors
async def remove_cart_line(request: web.Request, body: None) -> dict[str, Any]:
    owner = await cart_owner(request)
    await carts.remove_line(request.app[RUNTIME], owner, _line_id(request))
    return await carts.cart_json(owner)


@router.get(
    "/cart/preview",
    summary="What checkout would charge, per shop, with every adjustment and its plugin",
    auth="optional",
    query=PreviewQuery,
)
@api_errors
async def preview_cart(request: web.Request, body: None) -> dict[str, Any]:
    owner = await cart_owner(request)
    query: PreviewQuery = request["query"]
    address: dict[str, str] = {}
    if query.address_id is not None and owner.customer_id is not None:
        address = await saved_address(owner.customer_id, query.address_id)
    items = await carts.load_items(await carts.find_cart(owner))
    buyable = [item for item in items if item.problem is None]
    drafts = await price_cart(request.app[RUNTIME], buyable, owner.customer_id, address)
    return {
        "shops": [draft.as_json() for draft in drafts],
        "total": sum(draft.total for draft in drafts),
        "currency": drafts[0].currency
        if drafts
        else request.app[RUNTIME].settings.platform.currency,
        "problems": [
            {"line_id": item.line.id, "sku_id": item.line.sku_id, "problem": item.problem}
            for item in items
            if item.problem is not None
        ],
    }


@router.post(
    "/checkout",
    summary="Place the cart: one order per shop and one payment (idempotent per key)",
    auth="customer",
    body=CheckoutBody,
    status=201,
    errors={
        409: "out of stock, or the idempotency key was used for another checkout",
        422: "bad input, empty cart, or vetoed by a plugin",
    },
)
@api_errors
async def checkout(request: web.Request, body: CheckoutBody) -> web.Response:
    customer = request["customer"]
    header_key = request.headers.get("Idempotency-Key")
    if header_key and body.idempotency_key and header_key != body.idempotency_key:
        raise ApiError(422, "invalid", "Two different idempotency keys.", "idempotency_key")
    key = body.idempotency_key or header_key
    if not key:
        raise ApiError(
            422, "invalid", "An idempotency key is required (body or header).", "idempotency_key"
        )
    if (body.address_id is None) == (body.address is None):
        raise ApiError(422, "invalid", "Give either address_id or address.", "address")
    if body.address_id is not None:
        address = await saved_address(customer.id, body.address_id)
    else:
        assert body.address is not None
        address = body.address.model_dump()
    placed = await place_orders(
        request.app[RUNTIME],
        customer.id,
        await carts.find_cart(carts.CartOwner(customer_id=customer.id)),
        address,
        key,
        body.buyer_note,
    )
    result = {
        "checkout_id": placed.checkout.id,
        "replayed": placed.replayed,
        "payment": payment_json(placed.payment),
        "orders": [order_summary(order) for order in placed.orders],
    }
    return web.json_response(result, status=200 if placed.replayed else 201, dumps=json_dumps)
