"""The buying path with plain forms: add to cart (no JavaScript), change the cart, check out
with an address, pay with the sandbox, and see the paid order. Bad input is a 4xx page and
changes nothing."""

from __future__ import annotations

import re

from shequ.core.accounts.models import Address
from shequ.core.checkout.models import Cart, CartLine, Checkout
from shequ.core.orders.models import Order, OrderState
from shequ.core.payments.models import Payment
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.storefront_pages.conftest import (
    ADDRESS,
    first_sku,
    make_product,
    make_shop,
    plugin,
)

PAY_URL = re.compile(r"^/pay/sandbox/(P[0-9A-Z]+)$")


async def lines_in_carts() -> list[CartLine]:
    return await CartLine.all().order_by("id")


async def orders() -> list[Order]:
    with shop_scope(ALL_SHOPS):
        return await Order.all().order_by("id")


async def test_add_to_cart_without_javascript(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(name="服饰店"))
    visitor = s.visitor()
    page = await visitor.get(f"/p/{product.id}")
    # What a browser without scripts sends: the checked radios, the quantity, the token.
    form = {
        "csrf_token": page.token(),
        "product_id": str(product.id),
        "spec_0": "蓝色",
        "spec_1": "M",
        "quantity": "2",
        "then": "cart",
    }
    answer = await visitor.post("/cart", form)
    assert answer.status == 303
    assert answer.location.startswith(f"/p/{product.id}?sku=")
    back = await visitor.follow(answer)
    assert '<li class="flash flash-ok">已加入购物车。</li>' in back.text
    # Shown once only.
    assert "已加入购物车" not in (await visitor.get(f"/p/{product.id}")).text
    cart = (await visitor.get("/cart")).text
    assert '<h2 class="group-shop">服饰店</h2>' in cart
    assert '<span class="line-specs">蓝色 / M</span>' in cart
    assert 'name="quantity" value="2"' in cart
    (line,) = await lines_in_carts()
    assert line.quantity == 2
    assert (await Cart.get(id=line.cart_id)).customer_id is None  # a guest cart
    # The same SKU again adds to the line.
    await visitor.post("/cart", {**form, "quantity": "1"})
    assert [line.quantity for line in await lines_in_carts()] == [3]


async def test_buy_now_goes_to_checkout(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={})
    visitor = s.visitor()
    answer = await visitor.post(
        "/cart", {"product_id": product.id, "quantity": "1", "then": "checkout"}
    )
    assert (answer.status, answer.location) == (303, "/checkout")
    # A guest is asked to sign in first, and comes back to checkout.
    login = await visitor.get("/checkout")
    assert (login.status, login.location) == (303, "/login?next=/checkout")


async def test_forms_without_a_csrf_token_are_refused(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={})
    visitor = s.visitor()
    await visitor.get(f"/p/{product.id}")  # a session exists, but no token is sent
    answer = await visitor.post(
        "/cart", {"csrf_token": "", "product_id": product.id, "quantity": "1"}
    )
    assert answer.status == 403
    forged = await visitor.post(
        "/cart", {"csrf_token": "x.y", "product_id": product.id, "quantity": "1"}
    )
    assert forged.status == 403
    assert await lines_in_carts() == []


async def test_bad_add_to_cart_input_is_a_clear_4xx_and_changes_nothing(site):
    def shequ_validate_cart_line(sku_id, quantity):
        return "每人限购 5 件" if quantity > 5 else None

    s = await site(
        extra_plugins={"limit": plugin("limit", shequ_validate_cart_line=shequ_validate_cart_line)}
    )
    product = await make_product(s.runtime, await make_shop(), stock=8)
    visitor = s.visitor()
    base = {"product_id": str(product.id), "spec_0": "红色", "spec_1": "M"}
    cases = [
        ({**base, "quantity": "0"}, 422, "数量须为 1 到 999 之间的整数。"),
        ({**base, "quantity": "abc"}, 422, "数量须为 1 到 999 之间的整数。"),
        ({**base, "quantity": "1000"}, 422, "数量须为 1 到 999 之间的整数。"),
        ({**base, "quantity": "1.5"}, 422, "数量须为 1 到 999 之间的整数。"),
        ({**base, "spec_0": "绿色", "quantity": "1"}, 422, "请选择有货的规格。"),
        ({**base, "quantity": "9"}, 422, "库存不足。"),
        ({**base, "quantity": "6"}, 422, "每人限购 5 件"),  # the plugin's veto, as written
    ]
    for form, status, message in cases:
        answer = await visitor.post("/cart", form)
        assert answer.status == status, form
        assert f'<li class="flash flash-error">{message}</li>' in answer.text, form
        # The product page comes back with the buyer's choice.
        assert '<input type="radio" name="spec_0" value="红色" checked required>' in answer.text
    assert await lines_in_carts() == []
    for form in ({"product_id": "x", "quantity": "1"}, {"product_id": "999999", "quantity": "1"}):
        assert (await visitor.post("/cart", form)).status == 404
    assert await lines_in_carts() == []


async def test_change_and_remove_cart_lines_with_forms(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={}, stock=5)
    visitor = s.visitor()
    await visitor.post("/cart", {"product_id": product.id, "quantity": "1"})
    (line,) = await lines_in_carts()
    changed = await visitor.post(f"/cart/lines/{line.id}", {"quantity": "3", "action": "update"})
    assert (changed.status, changed.location) == (303, "/cart")
    assert (await lines_in_carts())[0].quantity == 3
    too_many = await visitor.post(f"/cart/lines/{line.id}", {"quantity": "6"})
    assert too_many.status == 422 and "库存不足。" in too_many.text
    assert (await lines_in_carts())[0].quantity == 3
    # Another browser cannot touch this cart's lines.
    stranger = s.visitor()
    await stranger.post("/cart", {"product_id": product.id, "quantity": "1"})
    refused = await stranger.post(f"/cart/lines/{line.id}", {"action": "remove"})
    assert refused.status == 404
    removed = await visitor.post(f"/cart/lines/{line.id}", {"action": "remove"})
    assert removed.status == 303
    assert [x.id for x in await lines_in_carts()] != [line.id]
    assert "购物车是空的。" in (await visitor.get("/cart")).text


async def test_cart_shows_each_shops_breakdown_with_labelled_adjustments(site):
    s = await site()
    fruit = await make_shop(name="鲜果园")
    tea = await make_shop(name="茶庄")
    orange = await make_product(s.runtime, fruit, title="脐橙", specs={}, price=1230)
    longjing = await make_product(s.runtime, tea, title="龙井", specs={}, price=12000)
    visitor = s.visitor()
    await visitor.post("/cart", {"product_id": orange.id, "quantity": "2"})
    await visitor.post("/cart", {"product_id": longjing.id, "quantity": "1"})
    html = (await visitor.get("/cart")).text
    fruit_part = html[html.index("鲜果园") : html.index("茶庄")]
    # Shipping from the shipping plugin: 10.00 under 99.00, free above.
    assert '<dt class="adjustment adjustment-shipping">运费</dt>\n<dd>¥10.00</dd>' in fruit_part
    assert "¥34.60" in fruit_part  # 2 × 12.30 + 10.00
    tea_part = html[html.index("茶庄") :]
    assert "运费" not in tea_part.split('<section class="summary">')[0]
    assert '<p class="total">合计 <span class="price">¥154.60</span></p>' in html


async def test_full_checkout_with_the_sandbox_payment(site):
    s = await site()
    shop = await make_shop(name="鲜果园")
    product = await make_product(s.runtime, shop, title="脐橙", specs={}, price=4990, stock=5)
    visitor = s.visitor()
    # A guest fills the cart, then registers: the guest cart comes along.
    await visitor.post("/cart", {"product_id": product.id, "quantity": "2"})
    register = await visitor.get("/register?next=/checkout")
    answer = await visitor.post(
        "/register",
        {
            "identifier": "13912345678",
            "nickname": "小王",
            "password": "secret-pass-1",
            "password_again": "secret-pass-1",
            "next": "/checkout",
        },
        token=register.token(),
    )
    assert (answer.status, answer.location) == (303, "/checkout")
    checkout = await visitor.follow(answer)
    assert checkout.status == 200
    assert "<h1>确认订单</h1>" in checkout.text
    assert '<input type="hidden" name="address_id" value="new">' in checkout.text
    assert "¥99.80" in checkout.text and "运费" not in checkout.text  # free from 99.00
    key = re.search(r'name="idempotency_key" value="([^"]+)"', checkout.text).group(1)
    form = {
        "csrf_token": checkout.token(),
        "idempotency_key": key,
        "address_id": "new",
        "save_address": "1",
        "buyer_note": "请周末送",
        **ADDRESS,
    }
    placed = await visitor.post("/checkout", form)
    assert placed.status == 303, placed.text[:500]
    reference = PAY_URL.match(placed.location).group(1)
    (order,) = await orders()
    assert order.state == OrderState.PENDING_PAYMENT and order.total == 9980
    assert order.buyer_note == "请周末送"
    assert order.shipping_address["recipient"] == "张三"
    assert await Address.filter(customer_id=order.customer_id).count() == 1  # saved
    # Submitting the same form again places nothing new (the same key).
    again = await visitor.post("/checkout", {**form, "csrf_token": checkout.token()})
    assert again.status == 303 and PAY_URL.match(again.location).group(1) == reference
    assert len(await orders()) == 1
    # The sandbox cashier page pays it.
    cashier = await visitor.get(placed.location)
    paid = await visitor.post(placed.location, {"action": "pay"}, token=cashier.token())
    assert paid.status == 303 and "result=paid" in paid.location
    (order,) = await orders()
    assert order.state == OrderState.PAID
    assert (await Payment.get(reference=reference)).state == "succeeded"
    mine = (await visitor.get("/orders")).text
    assert f'href="/orders/{order.number}"' in mine
    assert "待发货" in mine and "¥99.80" in mine
    detail = (await visitor.get(f"/orders/{order.number}")).text
    assert '<p class="order-status state-paid">待发货</p>' in detail
    timeline = detail[detail.index('<ol class="timeline">') :]
    assert timeline.index("待付款") < timeline.index("待发货")


async def test_checkout_with_a_saved_address(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={}, price=500)
    visitor, customer = await s.buyer()
    home = await Address.create(customer=customer, is_default=True, **ADDRESS)
    await Address.create(customer=customer, **{**ADDRESS, "recipient": "李四"})
    await visitor.post("/cart", {"product_id": product.id, "quantity": "1"})
    page = await visitor.get("/checkout")
    assert f'<input type="radio" name="address_id" value="{home.id}" checked>' in page.text
    assert '<dt class="adjustment adjustment-shipping">运费</dt>' in page.text
    assert '<p class="total">合计 <span class="price">¥15.00</span></p>' in page.text
    form = {"address_id": str(home.id), "idempotency_key": "k-saved-1"}
    placed = await visitor.post("/checkout", form, token=page.token())
    assert placed.status == 303 and PAY_URL.match(placed.location)
    (order,) = await orders()
    assert order.total == 1500 and order.shipping_address["recipient"] == "张三"
    assert await Address.filter(customer_id=customer.id).count() == 2  # nothing new saved


async def test_bad_checkout_input_is_refused_and_places_nothing(site):
    def shequ_validate_order(draft):
        return "本店暂停接单" if draft.total > 100000 else None

    s = await site(
        extra_plugins={"shut": plugin("shut", shequ_validate_order=shequ_validate_order)}
    )
    cheap = await make_product(s.runtime, await make_shop(), title="便宜", specs={}, price=500)
    dear = await make_product(s.runtime, await make_shop(), title="贵", specs={}, price=200000)
    visitor, customer = await s.buyer()
    other = await Address.create(customer_id=(await s.buyer())[1].id, **ADDRESS)
    await visitor.post("/cart", {"product_id": cheap.id, "quantity": "1"})
    good = {"address_id": "new", "idempotency_key": "k1", **ADDRESS}
    cases = [
        ({**good, "recipient": ""}, 422, "请检查：收货人"),
        ({**good, "phone": "12345"}, 422, "请检查：手机号"),
        ({**good, "detail": "x" * 300}, 422, "请检查：详细地址"),
        ({**good, "address_id": str(other.id)}, 404, "请选择收货地址。"),  # someone else's
        ({**good, "idempotency_key": "bad key!"}, 422, None),
    ]
    for form, status, message in cases:
        answer = await visitor.post("/checkout", form)
        assert answer.status == status, (form, answer.text[:200])
        if message:
            assert f'<li class="flash flash-error">{message}</li>' in answer.text, form
        # The typed address comes back.
        assert 'name="city" maxlength="32" value="深圳市"' in answer.text
    assert (await visitor.post("/checkout", {**good, "address_id": "x"})).status == 400
    await visitor.post("/cart", {"product_id": dear.id, "quantity": "1"})
    vetoed = await visitor.post("/checkout", good)
    assert vetoed.status == 422
    assert '<li class="flash flash-error">本店暂停接单</li>' in vetoed.text
    assert await orders() == [] and await Checkout.all().count() == 0
    assert (
        await Payment.all().count() == 0
        and await Address.filter(customer_id=customer.id).count() == 0
    )
    assert len(await lines_in_carts()) == 2


async def test_checkout_of_an_empty_or_broken_cart_goes_back_to_the_cart(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={}, stock=3)
    visitor, _ = await s.buyer()
    empty = await visitor.get("/checkout")
    assert (empty.status, empty.location) == (303, "/cart")
    assert "购物车是空的。" in (await visitor.follow(empty)).text
    await visitor.post("/cart", {"product_id": product.id, "quantity": "3"})
    sku = await first_sku(product)
    with shop_scope(product.shop_id):
        sku.stock = 1
        await sku.save()
    broken = await visitor.get("/checkout")
    assert (broken.status, broken.location) == (303, "/cart")
    cart = (await visitor.follow(broken)).text
    assert "部分商品暂时无法购买" in cart and "仅剩 1 件" in cart
    assert "/checkout" not in cart.split('<section class="summary">')[1].split("</section>")[0]
