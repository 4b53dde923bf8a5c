"""Signing in and up, the account page: addresses, followed shops (收藏店铺), language."""

from __future__ import annotations

import pytest

from shequ.core.accounts.models import Address, Customer, ShopFollow
from shequ.core.accounts.service import register
from shequ.core.storefront.i18n import LANG_COOKIE
from shequ.core.storefront.pages.forms import safe_next
from tests.storefront_pages.conftest import ADDRESS, PASSWORD, make_shop


async def test_sign_in_and_out(site):
    s = await site()
    await register("email", "li@shequ.test", PASSWORD, "小李")
    visitor = s.visitor()
    page = await visitor.get("/login?next=/orders")
    assert 'name="next" value="/orders"' in page.text
    wrong = await visitor.post(
        "/login", {"identifier": "li@shequ.test", "password": "nope", "next": "/orders"}
    )
    assert wrong.status == 401 and "账号或密码错误。" in wrong.text
    assert 'value="li@shequ.test"' in wrong.text  # typed identity kept, password not
    empty = await visitor.post("/login", {"identifier": "", "password": ""})
    assert empty.status == 422
    ok = await visitor.post(
        "/login", {"identifier": "LI@shequ.test", "password": PASSWORD, "next": "/orders"}
    )
    assert (ok.status, ok.location) == (303, "/orders")
    account = await visitor.get("/account")
    assert '<p class="greeting">小李</p>' in account.text
    # Signed in: the sign-in page goes straight on.
    assert (await visitor.get("/login")).status == 303
    out = await visitor.post("/logout", token=account.token())
    assert (out.status, out.location) == (303, "/")
    assert (await visitor.get("/account")).location == "/login?next=/account"


async def test_repeated_failures_are_slowed_down(site):
    s = await site()
    visitor = s.visitor()
    token = (await visitor.get("/login")).token()
    statuses = []
    for _ in range(6):
        answer = await visitor.post(
            "/login", {"identifier": "13800000000", "password": "wrong-password"}, token=token
        )
        statuses.append(answer.status)
    assert statuses == [401] * 5 + [429]
    assert "登录失败次数过多" in answer.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/checkout", "/checkout"),
        ("/orders?state=paid", "/orders?state=paid"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
        (None, "/"),
    ],
)
def test_next_never_leaves_the_site(value, expected):
    assert safe_next(value) == expected


async def test_register_checks_input_and_signs_in(site):
    s = await site()
    await register("email", "taken@shequ.test", PASSWORD)
    visitor = s.visitor()
    token = (await visitor.get("/register")).token()
    base = {"identifier": "new@shequ.test", "nickname": "新人", "password": PASSWORD}
    cases = [
        ({**base, "password_again": "different-1"}, 422, "两次输入的密码不一致。"),
        ({**base, "password": "short", "password_again": "short"}, 422, "密码至少需要 8 位。"),
        (
            {**base, "identifier": "not-an-id", "password_again": PASSWORD},
            422,
            "请输入有效的邮箱地址或 11 位手机号。",
        ),
        (
            {**base, "identifier": "TAKEN@shequ.test", "password_again": PASSWORD},
            409,
            "这个邮箱或手机号已经注册过了。",
        ),
    ]
    for form, status, message in cases:
        answer = await visitor.post("/register", form, token=token)
        assert answer.status == status, form
        assert message in answer.text, form
        assert 'value="新人"' in answer.text
    assert await Customer.all().count() == 1
    made = await visitor.post(
        "/register",
        {**base, "password_again": PASSWORD, "next": "https://evil.example"},
        token=token,
    )
    assert (made.status, made.location) == (303, "/account")
    assert "欢迎！账号已注册好。" in (await visitor.follow(made)).text


async def test_addresses_on_the_account_page(site):
    s = await site()
    visitor, customer = await s.buyer()
    page = await visitor.get("/account")
    assert "还没有收货地址。" in page.text
    bad = await visitor.post("/account/addresses", {**ADDRESS, "phone": "123"}, token=page.token())
    assert bad.status == 422 and "请检查：手机号" in bad.text
    assert 'value="深圳市"' in bad.text
    assert await Address.all().count() == 0
    added = await visitor.post("/account/addresses", ADDRESS, token=page.token())
    assert (added.status, added.location) == (303, "/account#addresses")
    second = await visitor.post(
        "/account/addresses",
        {**ADDRESS, "recipient": "李四", "is_default": "1"},
        token=page.token(),
    )
    assert second.status == 303
    first, other = await Address.filter(customer_id=customer.id).order_by("id")
    assert (first.is_default, other.is_default) == (False, True)
    html = (await visitor.get("/account")).text
    assert html.index("李四") < html.index("张三")  # the default first
    await visitor.post(f"/account/addresses/{first.id}/default", token=page.token())
    assert (await Address.get(id=first.id)).is_default
    await visitor.post(f"/account/addresses/{first.id}/delete", token=page.token())
    assert [a.id for a in await Address.filter(customer_id=customer.id)] == [other.id]
    assert (await Address.get(id=other.id)).is_default
    # Someone else's address is not found, and nothing changes.
    stranger, _ = await s.buyer()
    refused = await stranger.post(f"/account/addresses/{other.id}/delete")
    assert refused.status == 404
    assert await Address.filter(id=other.id).exists()


async def test_follow_and_unfollow_a_shop(site):
    s = await site()
    shop = await make_shop(name="鲜果园")
    suspended = await make_shop(status="suspended")
    guest = s.visitor()
    page = await guest.get(f"/s/{shop.slug}")
    assert "收藏店铺" in page.text
    asked = await guest.post(f"/s/{shop.slug}/follow", {"action": "follow"}, token=page.token())
    assert asked.location == f"/login?next=/s/{shop.slug}"
    visitor, customer = await s.buyer()
    page = await visitor.get(f"/s/{shop.slug}")
    followed = await visitor.post(
        f"/s/{shop.slug}/follow", {"action": "follow"}, token=page.token()
    )
    assert (followed.status, followed.location) == (303, f"/s/{shop.slug}")
    after = (await visitor.follow(followed)).text
    assert "已收藏店铺" in after and '<input type="hidden" name="action" value="unfollow">' in after
    # Twice is still one follow.
    await visitor.post(f"/s/{shop.slug}/follow", {"action": "follow"}, token=page.token())
    assert await ShopFollow.filter(customer_id=customer.id).count() == 1
    account = (await visitor.get("/account")).text
    assert f'<a href="/s/{shop.slug}">鲜果园</a>' in account
    gone = await visitor.post(
        f"/s/{shop.slug}/follow",
        {"action": "unfollow", "next": "/account#follows"},
        token=page.token(),
    )
    assert gone.location == "/account#follows"
    assert await ShopFollow.filter(customer_id=customer.id).count() == 0
    refused = await visitor.post(
        f"/s/{suspended.slug}/follow", {"action": "follow"}, token=page.token()
    )
    assert refused.status == 404
    odd = await visitor.post(f"/s/{shop.slug}/follow", {"action": "like"}, token=page.token())
    assert odd.status == 400
    assert await ShopFollow.all().count() == 0


async def test_language_switch_on_the_account_page(site):
    s = await site()
    visitor, customer = await s.buyer()
    page = await visitor.get("/account")
    assert "<h1>个人中心</h1>" in page.text
    assert '<option value="en">English</option>' in page.text
    bad = await visitor.post("/account/language", {"language": "fr"}, token=page.token())
    assert bad.status == 422
    switched = await visitor.post("/account/language", {"language": "en"}, token=page.token())
    assert switched.status == 303
    assert (await Customer.get(id=customer.id)).language == "en"
    english = await visitor.get("/account")
    assert "<h1>My account</h1>" in english.text
    assert '<option value="en" selected>English</option>' in english.text
    assert (
        visitor.session.cookie_jar.filter_cookies(visitor.client.make_url("/"))[LANG_COOKIE].value
        == "en"
    )
