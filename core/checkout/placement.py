"""Place a cart: one Checkout, one order per shop, one Payment covering them all.

Everything happens in one transaction, in this order: re-price every shop's draft and ask
``shequ_validate_order`` (reads only); write the payment and the Checkout, whose unique
``(customer, idempotency_key)`` makes a double submit, even two concurrent ones, one set of
orders (the second insert fails and the first submit's orders are answered); take stock with
the conditional update (SKUs in id order, so two checkouts never wait on each other in a
cycle); write the orders with their snapshots (lines, pricing breakdown, address, first
transition); queue ``shequ_order_created``; empty the cart lines that were bought. Any
failure rolls all of it back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from shequ.core.accounts.models import Address
from shequ.core.catalog.stock import take_stock
from shequ.core.checkout.cart import CartItem, load_items
from shequ.core.checkout.models import Cart, CartLine, Checkout
from shequ.core.checkout.pricing import DraftLine, OrderDraft, check_amount, price_draft
from shequ.core.distribution.chain import snapshot_chain
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.errors import Conflict, Invalid, NotFound, OutOfStock, Vetoed
from shequ.core.orders.models import (
    Order,
    OrderAdjustment,
    OrderLine,
    OrderState,
    OrderTransition,
)
from shequ.core.orders.numbers import order_number, payment_reference
from shequ.core.orders.service import customer_actor, pay_orders
from shequ.core.orders.timing import unpaid_window
from shequ.core.orders.transactions import atomic
from shequ.core.payments.models import Payment, PaymentState
from shequ.core.pluginsys.dispatch import HookVeto
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
ADDRESS_FIELDS = {
    "recipient": 64,  # 收货人
    "phone": 32,  # 手机
    "province": 32,  # 省
    "city": 32,  # 市
    "district": 32,  # 区
    "detail": 255,  # 详细地址
}
MAX_NOTE = 200


@dataclass
class Placement:
    checkout: Checkout
    orders: list[Order]
    payment: Payment
    replayed: bool = False


OPTIONAL_ADDRESS_FIELDS = ("district",)


def address_snapshot(data: Any) -> dict[str, str]:
    """A clean copy of a shipping address (every field present and bounded; only the district
    may be empty)."""
    if not isinstance(data, dict):
        raise Invalid("A shipping address is required.", field="address")
    snapshot = {}
    for name, limit in ADDRESS_FIELDS.items():
        value = data.get(name)
        # Some prefecture-level cities (东莞, 中山, 儋州) have no district.
        if name in OPTIONAL_ADDRESS_FIELDS and value in (None, ""):
            snapshot[name] = ""
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise Invalid(
                f"address.{name} is required (at most {limit} characters).", field=f"address.{name}"
            )
        snapshot[name] = value.strip()
    return snapshot


async def saved_address(customer_id: int, address_id: int) -> dict[str, str]:
    """A snapshot of one of the customer's saved addresses (another's is "not found")."""
    address = await Address.get_or_none(id=address_id, customer_id=customer_id)
    if address is None:
        raise NotFound("No such address.", code="address_not_found", field="address_id")
    return address_snapshot({name: getattr(address, name) for name in ADDRESS_FIELDS})


def _digest(value: Any) -> str:
    raw = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _cart_digest(items: list[CartItem]) -> str:
    return _digest(sorted((item.line.sku_id, item.line.quantity) for item in items))


def _drafts(
    items: list[CartItem], customer_id: int | None, address: dict[str, str]
) -> list[OrderDraft]:
    if not items:
        return []
    by_shop: dict[int, list[CartItem]] = defaultdict(list)
    for item in items:
        if item.problem == "unavailable":
            raise Invalid(
                f"{item.sku.product.title if item.sku else 'A product'} is no longer on sale; "
                "remove it from the cart.",
                code="unavailable",
                field=f"sku:{item.line.sku_id}",
            )
        if item.problem == "insufficient_stock":
            assert item.sku is not None
            raise OutOfStock(item.sku.id, item.sku.product.title)
        by_shop[item.line.shop_id].append(item)
    currencies = {item.sku.currency for item in items if item.sku is not None}
    if len(currencies) > 1:
        raise Invalid("One checkout pays in one currency.", code="mixed_currency")
    (currency,) = currencies
    drafts = []
    for shop_id in sorted(by_shop):
        lines = []
        for item in by_shop[shop_id]:
            sku = item.sku
            assert sku is not None
            lines.append(
                DraftLine(
                    sku_id=sku.id,
                    product_id=sku.product_id,
                    title=sku.product.title,
                    specs=dict(sku.specs),
                    unit_price=sku.price,  # from the database, never from the client
                    quantity=item.line.quantity,
                )
            )
        drafts.append(
            OrderDraft(
                shop_id=shop_id,
                customer_id=customer_id,
                currency=currency,
                lines=lines,
                shipping_address=dict(address),
            )
        )
    return drafts


async def price_cart(
    runtime: Runtime, items: list[CartItem], customer_id: int | None, address: dict[str, str]
) -> list[OrderDraft]:
    """Priced drafts, one per shop (used by the cart preview and by placement)."""
    drafts = _drafts(items, customer_id, address)
    for draft in drafts:
        await price_draft(runtime, draft)
    return drafts


async def _write_order(
    runtime: Runtime,
    draft: OrderDraft,
    *,
    checkout: Checkout,
    payment: Payment,
    buyer_note: str,
    now: dt.datetime,
) -> Order:
    # The chain is fixed at creation: later rebinding never changes who earns on this order.
    chain = await snapshot_chain(runtime, draft.shop_id, draft.customer_id)
    with shop_scope(draft.shop_id):
        order = await Order.create(
            number=order_number(now),
            customer_id=draft.customer_id,
            checkout_id=checkout.id,
            payment_id=payment.id,
            state=OrderState.PENDING_PAYMENT,
            currency=draft.currency,
            subtotal=draft.subtotal,
            adjustments_total=draft.adjustments_total,
            total=draft.total,
            shipping_address=draft.shipping_address,
            buyer_note=buyer_note,
            referral_chain=chain,
            expires_at=now + unpaid_window(runtime),
        )
        lines = {}
        for line in draft.lines:
            lines[line.key] = await OrderLine.create(
                order_id=order.id,
                sku_id=line.sku_id,
                product_id=line.product_id,
                title=line.title[:120],
                specs=line.specs,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_subtotal=line.line_subtotal,
                line_adjustments=line.line_adjustments,
                line_total=line.line_total,
            )
        for adj in draft.adjustments:
            await OrderAdjustment.create(
                order_id=order.id,
                line_id=lines[adj.line_key].id if adj.line_key is not None else None,
                code=adj.code[:48],
                label=adj.label[:120],
                amount=adj.amount,
                requested_amount=adj.requested_amount,
                plugin=adj.plugin[:64],
            )
        await OrderTransition.create(
            order_id=order.id,
            from_state="",
            to_state=OrderState.PENDING_PAYMENT,
            actor=customer_actor(checkout.customer_id),
            reason="placed",
        )
    await runtime.hooks.notify("shequ_order_created", order_id=order.id, shop_id=order.shop_id)
    return order


async def _orders_of(checkout: Checkout) -> list[Order]:
    with shop_scope(ALL_SHOPS):
        return await Order.filter(checkout_id=checkout.id).order_by("id")


async def _replay(checkout: Checkout, items: list[CartItem], request_digest: str) -> Placement:
    """The same key again: the same orders, unless the request is a different one."""
    cart_digest, body_digest = checkout.request_hash[:32], checkout.request_hash[32:]
    if body_digest != request_digest or (items and _cart_digest(items) != cart_digest):
        raise Conflict(
            "This idempotency key was already used for a different checkout.",
            code="idempotency_key_reused",
            field="idempotency_key",
        )
    payment = await Payment.get(id=checkout.payment_id)
    return Placement(checkout, await _orders_of(checkout), payment, replayed=True)


async def place_orders(
    runtime: Runtime,
    customer_id: int,
    cart: Cart | None,
    address: dict[str, Any],
    idempotency_key: str,
    buyer_note: str = "",
    *,
    now: dt.datetime | None = None,
) -> Placement:
    """Turn the customer's cart into orders (see the module docstring)."""
    if not isinstance(idempotency_key, str) or not IDEMPOTENCY_KEY.match(idempotency_key):
        raise Invalid(
            "An idempotency key of 1-64 letters, digits or . _ : - is required.",
            field="idempotency_key",
        )
    if not isinstance(buyer_note, str) or len(buyer_note) > MAX_NOTE:
        raise Invalid(f"The note is at most {MAX_NOTE} characters.", field="buyer_note")
    snapshot = address_snapshot(address)
    request_digest = _digest({"address": snapshot, "note": buyer_note})

    async def existing() -> Checkout | None:
        return await Checkout.get_or_none(customer_id=customer_id, idempotency_key=idempotency_key)

    async def work() -> Placement:
        items = await load_items(cart)
        if not items:
            raise Invalid("Your cart is empty.", code="cart_empty")
        return await _place(
            runtime,
            customer_id,
            items,
            snapshot,
            idempotency_key,
            buyer_note,
            request_digest,
            now or utcnow(),
        )

    # A used key is found by the Checkout insert (unique), not by a read before it: one query
    # less on every checkout, and the only check that holds against a concurrent submit.
    try:
        return await atomic(work)
    except IntegrityError:
        found = await existing()
        if found is None:
            raise
        return await _replay(found, await load_items(cart), request_digest)
    except Invalid as exc:
        if exc.code == "cart_empty" and (found := await existing()) is not None:
            # Submitted again after the first submit emptied the cart.
            return await _replay(found, [], request_digest)
        raise


async def _place(
    runtime: Runtime,
    customer_id: int,
    items: list[CartItem],
    address: dict[str, str],
    idempotency_key: str,
    buyer_note: str,
    request_digest: str,
    now: dt.datetime,
) -> Placement:
    drafts = await price_cart(runtime, items, customer_id, address)
    for draft in drafts:
        try:
            await runtime.hooks.validate("shequ_validate_order", draft=draft)
        except HookVeto as veto:
            raise Vetoed(veto) from None
    amount = sum(draft.total for draft in drafts)
    check_amount(amount, "total")

    payment = await Payment.create(
        customer_id=customer_id,
        reference=payment_reference(now),
        amount=amount,
        currency=drafts[0].currency,
    )
    # The first write that can conflict: a used idempotency key stops here, before any stock.
    checkout = await Checkout.create(
        customer_id=customer_id,
        idempotency_key=idempotency_key,
        payment_id=payment.id,
        request_hash=_cart_digest(items) + request_digest,
    )
    for item in sorted(items, key=lambda item: item.line.sku_id):
        assert item.sku is not None
        if not await take_stock(runtime, item.sku.id, item.line.quantity):
            raise OutOfStock(item.sku.id, item.sku.product.title)
    orders = [
        await _write_order(
            runtime, draft, checkout=checkout, payment=payment, buyer_note=buyer_note, now=now
        )
        for draft in drafts
    ]
    await CartLine.filter(id__in=[item.line.id for item in items]).delete()
    if amount == 0:  # nothing to pay (discounts covered everything): paid on the spot
        await Payment.filter(id=payment.id).update(
            state=PaymentState.SUCCEEDED, paid_at=now, updated_at=now
        )
        await pay_orders(runtime, payment, actor="system", now=now)
        payment.state = PaymentState.SUCCEEDED
        orders = await _orders_of(checkout)
    return Placement(checkout, orders, payment)
