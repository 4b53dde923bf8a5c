"""The buyer's pages of the storefront: home, shops, listings, product, cart, checkout,
orders, sign-in and account. Every form is a plain POST answered with a redirect, so the
buying path works without JavaScript; ``static/js/enhance.js`` of the theme only helps."""

from __future__ import annotations

from aiohttp import web

ID = r"\d{1,9}"  # ids are 32-bit integers in the database
SLUG = r"[a-z0-9][a-z0-9_-]{0,63}"
NUMBER = r"\d{1,32}"


def setup_pages(app: web.Application) -> None:
    """Add the buyer pages' routes (the home page ``/`` included)."""
    from shequ.core.storefront.pages import (
        account,
        auth,
        browse,
        cart,
        checkout,
        home,
        orders,
        product,
    )

    get, post = app.router.add_get, app.router.add_post
    get("/", home.home, name="storefront.home")
    get(f"/s/{{slug:{SLUG}}}", home.shop_home, name="storefront.shop")
    post(f"/s/{{slug:{SLUG}}}/follow", home.follow)
    get(f"/c/{{category_id:{ID}}}", browse.category, name="storefront.category")
    get("/search", browse.search, name="storefront.search")
    get(f"/p/{{product_id:{ID}}}", product.product_page, name="storefront.product")
    get("/cart", cart.cart_page, name="storefront.cart")
    post("/cart", cart.add_to_cart)
    post(f"/cart/lines/{{line_id:{ID}}}", cart.update_line)
    get("/checkout", checkout.checkout_page, name="storefront.checkout")
    post("/checkout", checkout.place)
    get("/orders", orders.order_list, name="storefront.orders")
    get(f"/orders/{{number:{NUMBER}}}", orders.order_page, name="storefront.order")
    post(f"/orders/{{number:{NUMBER}}}/{{action:pay|cancel|confirm|refund}}", orders.order_action)
    get("/login", auth.login_page, name="storefront.login")
    post("/login", auth.login_submit)
    get("/register", auth.register_page, name="storefront.register")
    post("/register", auth.register_submit)
    post("/logout", auth.logout_submit, name="storefront.logout")
    get("/account", account.account_page, name="storefront.account")
    post("/account/addresses", account.address_add)
    post(
        f"/account/addresses/{{address_id:{ID}}}/{{action:default|delete}}", account.address_action
    )
    post("/account/language", account.language_submit)
