"""The admin's URL map. Shop pages live under ``/admin/shops/{shop_id}/``: the shop comes
from the URL, and every handler there is guarded by :func:`.guard.shop_page`."""

from __future__ import annotations

from aiohttp import web

from shequ.core.admin import (
    categories,
    customers,
    dashboard,
    login,
    orders,
    platform,
    plugins,
    products,
    staff,
)
from shequ.core.admin.guard import platform_page, shop_page
from shequ.core.admin.rendering import STATIC_DIR, STATIC_PREFIX, build_environment
from shequ.core.appkeys import ADMIN_PLUGIN_PAGES, ADMIN_TEMPLATES
from shequ.core.hooktypes import AdminPage
from shequ.core.runtime import Runtime

SHOP = r"/admin/shops/{shop_id:\d{1,18}}"
ID = r"\d{1,18}"


def setup_admin(app: web.Application, runtime: Runtime) -> None:
    """Install the admin's templates, static files and routes on ``app``."""
    app[ADMIN_TEMPLATES] = build_environment()
    app.router.add_static(STATIC_PREFIX, STATIC_DIR, name="admin.static")
    get, post = app.router.add_get, app.router.add_post

    get("/admin/login", login.login_page, name="admin.login")
    post("/admin/login", login.login_submit)
    post("/admin/logout", login.logout_submit, name="admin.logout")
    get("/admin", login.home, name="admin.home")
    get("/admin/", login.home)

    get(SHOP + "/", dashboard.dashboard, name="admin.dashboard")
    get(SHOP, dashboard.dashboard)

    get(SHOP + "/products", products.product_list, name="admin.products")
    get(SHOP + "/products/new", products.product_new, name="admin.product_new")
    post(SHOP + "/products/new", products.product_create)
    product = SHOP + f"/products/{{product_id:{ID}}}"
    get(product, products.product_edit, name="admin.product")
    post(product, products.product_update)
    post(product + "/images", products.image_upload)
    post(product + f"/images/{{image_id:{ID}}}/delete", products.image_delete)
    post(product + "/stock", products.stock_update)
    post(product + "/publish", products.product_publish)
    post(product + "/unpublish", products.product_unpublish)

    get(SHOP + "/categories", categories.category_list, name="admin.categories")
    post(SHOP + "/categories", categories.category_create)

    get(SHOP + "/orders", orders.order_list, name="admin.orders")
    order = SHOP + f"/orders/{{order_id:{ID}}}"
    get(order, orders.order_detail, name="admin.order")
    post(order + "/ship", orders.order_ship)
    post(order + "/refund", orders.order_refund)
    post(order + "/cancel", orders.order_cancel)
    post(order + "/confirm-payment", orders.order_confirm_payment)
    post(order + f"/refund-requests/{{request_id:{ID}}}", orders.refund_request_decide)

    get(SHOP + "/customers", customers.customer_list, name="admin.customers")
    get(SHOP + "/plugins", plugins.plugin_list, name="admin.plugins")
    post(SHOP + r"/plugins/{plugin:[A-Za-z0-9_.\-]{1,64}}", plugins.plugin_settings_update)
    get(SHOP + "/staff", staff.staff_list, name="admin.staff")
    post(SHOP + "/staff", staff.staff_add)
    post(SHOP + f"/staff/{{role_id:{ID}}}/delete", staff.staff_remove)

    get("/admin/platform/shops", platform.shop_list, name="admin.platform_shops")
    get("/admin/platform/shops/new", platform.shop_new, name="admin.shop_new")
    post("/admin/platform/shops/new", platform.shop_create)
    post(f"/admin/platform/shops/{{shop_id:{ID}}}/status", platform.shop_status)
    get("/admin/platform/orders", platform.platform_orders, name="admin.platform_orders")
    get("/admin/platform/customers", customers.platform_customers, name="admin.platform_customers")
    app[ADMIN_PLUGIN_PAGES] = plugin_pages(app, runtime)


def plugin_pages(app: web.Application, runtime: Runtime) -> list[dict[str, str]]:
    """Route the plugins' admin pages behind the same guards; returns their menu entries."""
    menu = []
    for tagged in runtime.hooks.setup_sync("shequ_admin_pages"):
        for page in tagged.value:
            if not isinstance(page, AdminPage) or page.scope not in ("shop", "platform"):
                raise TypeError(f"{tagged.plugin}: shequ_admin_pages must return AdminPages")
            tail = f"/p/{tagged.plugin}/{page.path.strip('/')}"
            if page.scope == "shop":
                path, view = SHOP + tail, shop_page(page.permission)(page.handler)
            else:
                path, view = "/admin/platform" + tail, platform_page(page.handler)
            app.router.add_route(page.method, path, view)
            if page.in_menu and page.method == "GET":
                menu.append({"scope": page.scope, "tail": tail, "title": page.title})
    return menu
