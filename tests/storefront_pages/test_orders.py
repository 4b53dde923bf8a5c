"""The buyer's orders: list with tabs, detail with the status timeline, and the actions."""

from __future__ import annotations

from shequ.core.orders.models import Order, OrderState, RefundRequest
from shequ.core.orders.service import ship_order
from shequ.core.payments.models import Payment
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.storefront_pages.conftest import first_sku, make_product, make_shop, paid_order


async def reload(order: Order) -> Order:
    with shop_scope(ALL_SHOPS):
        return await Order.get(id=order.id)


async def test_shipped_order_can_be_confirmed_and_shows_its_history(site):
    s = await site()
    shop = await make_shop(name="鲜果园")
    product = await make_product(s.runtime, shop, title="脐橙", specs={})
    visitor, customer = await s.buyer()
    order = await paid_order(s.runtime, customer, (await first_sku(product)).id, 2)
    await ship_order(
        s.runtime, shop.id, order.id, carrier="顺丰速运", tracking_number="SF123", actor="staff:1"
    )
    page = await visitor.get(f"/orders/{order.number}")
    assert page.status == 200
    html = page.text
    assert '<p class="order-status state-shipped">已发货</p>' in html
    assert "<dd>鲜果园</dd>" in html
    assert '<span class="line-quantity">¥12.30 × 2</span>' in html
    assert "顺丰速运" in html and "SF123" in html
    assert "张三" in html and "科技园1号" in html
    steps = html[html.index('<ol class="timeline">') :]
    assert steps.index("待付款") < steps.index("待发货") < steps.index("已发货")
    assert "确认收货" in html
    answer = await visitor.post(f"/orders/{order.number}/confirm", token=page.token())
    assert (answer.status, answer.location) == (303, f"/orders/{order.number}")
    done = await visitor.follow(answer)
    assert "已确认收货，谢谢！" in done.text
    assert (await reload(order)).state == OrderState.COMPLETED
    # Confirming twice is refused with a 409 and the reason.
    again = await visitor.post(f"/orders/{order.number}/confirm", token=done.token())
    assert again.status == 409 and "订单当前状态不能进行这个操作。" in again.text


async def test_order_list_has_state_tabs(site):
    s = await site()
    shop = await make_shop(name="茶庄")
    product = await make_product(s.runtime, shop, title="龙井", specs={})
    visitor, customer = await s.buyer()
    paid = await paid_order(s.runtime, customer, (await first_sku(product)).id)
    shipped = await paid_order(s.runtime, customer, (await first_sku(product)).id)
    await ship_order(s.runtime, shop.id, shipped.id, carrier="EMS", tracking_number="E1", actor="x")
    everything = (await visitor.get("/orders")).text
    assert everything.count('class="order-card"') == 2
    assert '<span class="order-shop">茶庄</span>' in everything
    only_shipped = (await visitor.get("/orders?state=shipped")).text
    assert (
        f"/orders/{shipped.number}" in only_shipped and f"/orders/{paid.number}" not in only_shipped
    )
    assert '<a href="/orders?state=shipped" aria-current="true">已发货</a>' in only_shipped
    odd = await visitor.get("/orders?state=nonsense")
    assert odd.status == 200 and odd.text.count('class="order-card"') == 2


async def test_refund_request_and_unpaid_cancel(site):
    s = await site()
    shop = await make_shop()
    product = await make_product(s.runtime, shop, specs={}, price=5000)
    visitor, customer = await s.buyer()
    order = await paid_order(s.runtime, customer, (await first_sku(product)).id)
    page = await visitor.get(f"/orders/{order.number}")
    assert "申请退款" in page.text
    bad = await visitor.post(
        f"/orders/{order.number}/refund", {"amount": "12.345", "reason": "不想要了"}
    )
    assert bad.status == 422 and "请输入以元为单位的金额" in bad.text
    too_much = await visitor.post(f"/orders/{order.number}/refund", {"amount": "99", "reason": ""})
    assert too_much.status == 422
    with shop_scope(shop.id):
        assert await RefundRequest.all().count() == 0
    sent = await visitor.post(
        f"/orders/{order.number}/refund", {"amount": "12.50", "reason": "少发了一件"}
    )
    assert sent.status == 303
    after = (await visitor.follow(sent)).text
    assert "退款申请已提交给卖家。" in after
    assert "等待卖家处理" in after and "少发了一件" in after
    assert "申请退款</summary>" not in after  # one open request at a time
    with shop_scope(shop.id):
        request = await RefundRequest.get()
    assert (request.amount, request.reason) == (1250, "少发了一件")


async def test_unpaid_order_can_be_paid_later_or_cancelled(site):
    from shequ.core.checkout.cart import CartOwner, add_line, find_cart
    from shequ.core.checkout.placement import place_orders
    from tests.storefront_pages.conftest import ADDRESS

    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={}, stock=2)
    visitor, customer = await s.buyer()
    owner = CartOwner(customer_id=customer.id)
    await add_line(s.runtime, owner, (await first_sku(product)).id, 2)
    placed = await place_orders(s.runtime, customer.id, await find_cart(owner), ADDRESS, "k-later")
    (order,) = placed.orders
    page = await visitor.get(f"/orders/{order.number}")
    assert "待付款" in page.text and "立即支付" in page.text
    pay = await visitor.post(f"/orders/{order.number}/pay", token=page.token())
    assert pay.location == f"/pay/sandbox/{placed.payment.reference}"
    assert (await Payment.get(id=placed.payment.id)).provider == "sandbox"
    cancel = await visitor.post(f"/orders/{order.number}/cancel", token=page.token())
    assert cancel.status == 303
    assert "订单已取消。" in (await visitor.follow(cancel)).text
    assert (await reload(order)).state == OrderState.CANCELLED
    assert (await first_sku(product)).stock == 2  # the stock came back
    late = await visitor.post(f"/orders/{order.number}/pay", token=page.token())
    assert late.status == 303
    assert "这个订单已支付或已关闭。" in (await visitor.follow(late)).text


async def test_orders_are_private(site):
    s = await site()
    product = await make_product(s.runtime, await make_shop(), specs={})
    _, owner = await s.buyer()
    order = await paid_order(s.runtime, owner, (await first_sku(product)).id)
    stranger, _ = await s.buyer()
    assert (await stranger.get(f"/orders/{order.number}")).status == 404
    refused = await stranger.post(f"/orders/{order.number}/confirm")
    assert refused.status == 404
    assert f"/orders/{order.number}" not in (await stranger.get("/orders")).text
    guest = s.visitor()
    answer = await guest.get(f"/orders/{order.number}")
    assert (answer.status, answer.location) == (303, f"/login?next=/orders/{order.number}")
    assert (await reload(order)).state == OrderState.PAID
