"""The operator's platform pages: every shop, onboarding a shop with its owner, supervision
(suspend and reactivate), and every shop's orders."""

from __future__ import annotations

import logging
import re

from aiohttp import web
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from shequ.core.accounts.errors import AccountError
from shequ.core.accounts.identity import parse_identifier
from shequ.core.accounts.models import Identity, StaffRole
from shequ.core.accounts.service import OWNER, grant_role, register
from shequ.core.admin.flash import flash, see_other
from shequ.core.admin.forms import FormError, paginate, text
from shequ.core.admin.guard import Denied, StaffMember, platform_page
from shequ.core.admin.orders import order_list_context
from shequ.core.admin.rendering import render
from shequ.core.orders.models import Order
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

log = logging.getLogger(__name__)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
SHOP_STATUSES = {"active": "营业中", "suspended": "已暂停"}


@platform_page
async def shop_list(request: web.Request, staff: StaffMember) -> web.Response:
    q = text(request.query, "q", max_length=64)
    shops = Shop.all()
    if q:
        shops = shops.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    page = await paginate(shops.order_by("id"), request.query, {"q": q})
    ids = [shop.id for shop in page.items]
    owners: dict[int, list[str]] = {}
    for shop_id, nickname, customer_id in await StaffRole.filter(
        shop_id__in=ids, role=OWNER
    ).values_list("shop_id", "customer__nickname", "customer_id"):
        owners.setdefault(shop_id, []).append(nickname or f"#{customer_id}")
    with shop_scope(ALL_SHOPS):
        order_counts: dict[int, int] = {}
        for shop_id in await Order.filter(shop_id__in=ids).values_list("shop_id", flat=True):
            order_counts[shop_id] = order_counts.get(shop_id, 0) + 1
    context = {
        "page": page,
        "q": q,
        "owners": owners,
        "order_counts": order_counts,
        "statuses": SHOP_STATUSES,
    }
    return await render(request, "platform/shops.html", context)


@platform_page
async def shop_new(request: web.Request, staff: StaffMember) -> web.Response:
    return await render(request, "platform/shop_new.html", {"form": {}})


async def onboard(
    name: str, slug: str, identifier: str, password: str, nickname: str
) -> tuple[Shop, bool]:
    """Create a shop and make the account ``identifier`` its owner, creating the account
    when there is none. All or nothing. Returns (shop, whether the account is new)."""
    try:
        kind, value = parse_identifier(identifier, "owner_identifier")
    except AccountError as exc:
        raise FormError(f"owner_identifier: {exc.message}", "owner_identifier") from None
    async with in_transaction():
        if await Shop.exists(slug=slug):
            raise FormError(f"slug: {slug!r} is already used by another shop", "slug", 409)
        try:
            async with in_transaction():  # savepoint: a lost slug race leaves nothing behind
                shop = await Shop.create(slug=slug, name=name)
        except IntegrityError:
            raise FormError(
                f"slug: {slug!r} is already used by another shop", "slug", 409
            ) from None
        identity = await Identity.get_or_none(kind=kind, value=value)
        created = identity is None
        if identity is None:
            if not password:
                raise FormError(
                    "owner_password: a new owner account needs a password", "owner_password"
                )
            try:
                customer = await register(kind, value, password, nickname)
            except AccountError as exc:
                field = {"value": "owner_identifier", "password": "owner_password"}.get(
                    exc.field or "", exc.field
                )
                raise FormError(f"{field}: {exc.message}", field) from None
            customer_id = customer.id
        else:
            customer_id = identity.customer_id
        await grant_role(customer_id, OWNER, shop.id)
    return shop, created


@platform_page
async def shop_create(request: web.Request, staff: StaffMember) -> web.Response:
    form = await request.post()
    try:
        name = text(form, "name", max_length=120, required=True)
        slug = text(form, "slug", max_length=64, required=True).lower()
        if not SLUG.match(slug):
            raise FormError("slug: use a-z, 0-9 and '-' (at most 64)", "slug")
        identifier = text(form, "owner_identifier", max_length=191, required=True)
        password = form.get("owner_password", "")
        password = password if isinstance(password, str) else ""
        nickname = text(form, "owner_nickname", max_length=64)
        shop, created = await onboard(name, slug, identifier, password, nickname)
    except FormError as exc:
        context = {"form": {k: v for k, v in form.items() if k != "owner_password"}}
        context["error"] = exc.message
        return await render(request, "platform/shop_new.html", context, status=exc.status)
    log.info("shop %s (%s) onboarded by %s", shop.id, shop.slug, staff.actor)
    account = "新账号" if created else "已有账号"
    await flash(request, f"已开通店铺「{shop.name}」，店主：{identifier}（{account}）。")
    raise see_other("/admin/platform/shops")


@platform_page
async def shop_status(request: web.Request, staff: StaffMember) -> web.Response:
    """Supervision: a suspended shop disappears from the storefront and the API listings."""
    shop = await Shop.get_or_none(id=int(request.match_info["shop_id"]))
    if shop is None:
        raise Denied(404, "没有这个店铺。")
    form = await request.post()
    status = form.get("status")
    if status not in SHOP_STATUSES:
        raise Denied(422, "status: active or suspended")
    if shop.status != status:
        await Shop.filter(id=shop.id).update(status=status)
        log.warning("shop %s set %s by %s", shop.id, status, staff.actor)
    await flash(request, f"店铺「{shop.name}」{SHOP_STATUSES[status]}。")
    raise see_other("/admin/platform/shops")


@platform_page
async def platform_orders(request: web.Request, staff: StaffMember) -> web.Response:
    with shop_scope(ALL_SHOPS):  # the operator supervises every shop's orders
        context, status = await order_list_context(request, Order.all())
        shop_names = dict(
            await Shop.filter(id__in={o.shop_id for o in context["page"].items}).values_list(
                "id", "name"
            )
        )
    context.update(platform=True, shop_names=shop_names)
    return await render(request, "orders/list.html", context, status=status)
