"""Who may see which admin page. Every admin handler goes through one of three decorators:

- :func:`shop_page` - the one shop guard: a signed-in staff member for whom
  ``can_manage_shop`` holds; the handler then runs inside ``shop_scope(shop_id)``, so every
  shop-owned query it makes is limited to the shop in the URL;
- :func:`platform_page` - the platform operator only;
- :func:`staff_page` - anyone with a staff role (the shop picker).

A visitor who is not signed in is sent to the login page; a signed-in customer without the
right role gets 403. Shop-B objects reached from shop A's URL are simply not found (404).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from aiohttp import web

from shequ.core.accounts.models import Customer
from shequ.core.accounts.service import OPERATOR, OWNER, can_manage_shop, roles_for
from shequ.core.admin.forms import FormError
from shequ.core.admin.rendering import error_page
from shequ.core.shops.models import Shop
from shequ.core.shops.scope import shop_scope

LOGIN_PATH = "/admin/login"
# What each role may do beyond reading and running the shop (orders, products, stock).
SETTINGS = "settings"  # plugin settings overrides
STAFF = "staff"  # who works in the shop
_PERMISSIONS = {OPERATOR: {SETTINGS, STAFF}, OWNER: {SETTINGS, STAFF}}
SWITCHER_LIMIT = 30


class Denied(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class StaffMember:
    customer: Customer
    operator: bool
    shop_roles: dict[int, str] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        """How changes made by this person are recorded (order transitions, refunds)."""
        return f"{'operator' if self.operator else 'staff'}:{self.customer.id}"


@dataclass(frozen=True)
class ShopAccess:
    staff: StaffMember
    shop: Shop
    role: str  # "operator" | "owner" | "staff"

    @property
    def actor(self) -> str:
        return self.staff.actor

    def can(self, permission: str) -> bool:
        return permission in _PERMISSIONS.get(self.role, set())


def login_redirect(request: web.Request) -> web.HTTPSeeOther:
    target = request.path_qs if request.method == "GET" else "/admin"
    return web.HTTPSeeOther(f"{LOGIN_PATH}?next={quote(target, safe='/')}")


async def staff_member(request: web.Request) -> StaffMember:
    """The signed-in staff member; a redirect to the login page for a visitor, 403 for a
    customer without a staff role. The admin is a browser UI: only session sign-ins count."""
    customer = request.get("customer")
    if customer is None or request.get("auth") != "session":
        raise login_redirect(request)
    roles = await roles_for(customer)
    operator = any(role.role == OPERATOR and role.shop_id is None for role in roles)
    shop_roles = {role.shop_id: role.role for role in roles if role.shop_id is not None}
    if not operator and not shop_roles:
        raise Denied(403, "此账号没有后台权限。")
    staff = StaffMember(customer, operator, shop_roles)
    request["admin.staff"] = staff
    request["admin.shops"] = await _switchable_shops(staff)
    return staff


async def _switchable_shops(staff: StaffMember) -> list[Shop]:
    if staff.operator:
        return await Shop.all().order_by("id").limit(SWITCHER_LIMIT)
    return await Shop.filter(id__in=list(staff.shop_roles)).order_by("id")


async def shop_access(request: web.Request) -> ShopAccess:
    """The one shop guard (see the module docstring)."""
    staff = await staff_member(request)
    shop_id = int(request.match_info["shop_id"])
    if not await can_manage_shop(staff.customer, shop_id):
        raise Denied(403, "你不能管理这个店铺。")
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None:  # only an operator gets here: the others were refused above
        raise Denied(404, "没有这个店铺。")
    role = OPERATOR if staff.operator else staff.shop_roles.get(shop_id)
    if role is None:  # the role went away between the two reads
        raise Denied(403, "你不能管理这个店铺。")
    access = ShopAccess(staff, shop, role)
    request["admin.access"] = access
    return access


def _answering_denials(view: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    @functools.wraps(view)
    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await view(request)
        except Denied as denied:
            return await error_page(request, denied.status, denied.message)
        except FormError as exc:  # bad input no page handled itself (an overlong query)
            return await error_page(request, exc.status, exc.message)

    return guarded


ShopHandler = Callable[[web.Request, ShopAccess], Awaitable[web.StreamResponse]]
StaffHandler = Callable[[web.Request, StaffMember], Awaitable[web.StreamResponse]]


def shop_page(permission: str | None = None) -> Callable[[ShopHandler], Callable]:
    """Guard a ``/admin/shops/{shop_id}/...`` handler; it runs in that shop's scope."""

    def decorate(handler: ShopHandler):
        @_answering_denials
        @functools.wraps(handler)
        async def view(request: web.Request) -> web.StreamResponse:
            access = await shop_access(request)
            if permission is not None and not access.can(permission):
                raise Denied(403, "只有店主和平台运营可以做这个操作。")
            with shop_scope(access.shop.id):
                return await handler(request, access)

        view.admin_guard = "shop"  # checked by a test over the whole route table
        return view

    return decorate


def platform_page(handler: StaffHandler):
    """Guard a platform-wide page: operators only."""

    @_answering_denials
    @functools.wraps(handler)
    async def view(request: web.Request) -> web.StreamResponse:
        staff = await staff_member(request)
        if not staff.operator:
            raise Denied(403, "只有平台运营可以访问。")
        return await handler(request, staff)

    view.admin_guard = "platform"
    return view


def staff_page(handler: StaffHandler):
    """Guard a page for any staff member (no shop data of its own)."""

    @_answering_denials
    @functools.wraps(handler)
    async def view(request: web.Request) -> web.StreamResponse:
        return await handler(request, await staff_member(request))

    view.admin_guard = "staff"
    return view
