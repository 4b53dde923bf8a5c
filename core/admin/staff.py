"""Who works in the shop: owners and staff. Everyone may look; owners and the operator
change it. A shop always keeps at least one owner."""

from __future__ import annotations

from aiohttp import web
from tortoise.transactions import in_transaction

from shequ.core.accounts.errors import InvalidInput
from shequ.core.accounts.identity import parse_identifier
from shequ.core.accounts.models import Identity, StaffRole
from shequ.core.accounts.service import OWNER, SHOP_ROLES, grant_role, revoke_role
from shequ.core.admin.flash import flash, see_other
from shequ.core.admin.forms import FormError, text
from shequ.core.admin.guard import STAFF, Denied, ShopAccess, shop_page
from shequ.core.admin.rendering import render
from shequ.core.shops.models import Shop


async def _page(request: web.Request, access: ShopAccess, *, error=None, status=200):
    # StaffRole is a platform table (roles are not shop-owned rows), keyed by the shop.
    roles = await StaffRole.filter(shop_id=access.shop.id).select_related("customer").order_by("id")
    context = {"roles": roles, "can_edit": access.can(STAFF), "error": error}
    return await render(request, "staff.html", context, status=status)


@shop_page()
async def staff_list(request: web.Request, access: ShopAccess) -> web.Response:
    return await _page(request, access)


async def _lock_shop(shop_id: int) -> None:
    """Serialise role changes of one shop (the last-owner rule spans rows)."""
    await Shop.filter(id=shop_id).select_for_update().first()


@shop_page(permission=STAFF)
async def staff_add(request: web.Request, access: ShopAccess) -> web.Response:
    form = await request.post()
    try:
        identifier = text(form, "identifier", max_length=191, required=True)
        role = text(form, "role", max_length=16)
        if role not in SHOP_ROLES:
            raise FormError("role: owner or staff", "role")
        try:
            kind, value = parse_identifier(identifier)
        except InvalidInput as exc:
            raise FormError(f"identifier: {exc.message}", "identifier") from None
        identity = await Identity.get_or_none(kind=kind, value=value)
        if identity is None:
            raise FormError(
                "identifier: no account has this e-mail or mobile number; "
                "they sign up first (or the operator onboards them).",
                "identifier",
            )
        async with in_transaction():
            await _lock_shop(access.shop.id)
            current = await StaffRole.get_or_none(
                customer_id=identity.customer_id, shop_id=access.shop.id
            )
            if current is not None and current.role == OWNER and role != OWNER:
                await _keep_an_owner(access.shop.id, identity.customer_id)
            await grant_role(identity.customer_id, role, access.shop.id)
    except FormError as exc:
        return await _page(request, access, error=exc.message, status=exc.status)
    await flash(request, f"已设置 {identifier} 为{'店主' if role == OWNER else '店员'}。")
    raise see_other(f"/admin/shops/{access.shop.id}/staff")


async def _keep_an_owner(shop_id: int, leaving_customer_id: int) -> None:
    others = (
        await StaffRole.filter(shop_id=shop_id, role=OWNER)
        .exclude(customer_id=leaving_customer_id)
        .exists()
    )
    if not others:
        raise FormError(
            "A shop needs at least one owner; make someone else owner first.", status=409
        )


@shop_page(permission=STAFF)
async def staff_remove(request: web.Request, access: ShopAccess) -> web.Response:
    role_id = int(request.match_info["role_id"])
    try:
        async with in_transaction():
            await _lock_shop(access.shop.id)
            role = await StaffRole.get_or_none(id=role_id, shop_id=access.shop.id)
            if role is None:
                raise Denied(404, "没有这个成员。")
            if role.role == OWNER:
                await _keep_an_owner(access.shop.id, role.customer_id)
            await revoke_role(role.customer_id, access.shop.id)
    except FormError as exc:
        return await _page(request, access, error=exc.message, status=exc.status)
    await flash(request, "已移除该成员。")
    raise see_other(f"/admin/shops/{access.shop.id}/staff")
