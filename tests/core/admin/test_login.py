"""Signing in: CSRF-protected, no account enumeration, rate-limited, safe redirects."""

from __future__ import annotations

from shequ.core.accounts.service import OWNER
from shequ.core.web.ratelimit import LOGIN_FAILURES
from tests.core.accounts.support import PASSWORD
from tests.core.admin.support import make_person, make_shop

WRONG = "账号或密码错误"


async def test_owner_signs_in_lands_on_their_shop_and_signs_out(admin_app, browsers):
    client, _ = await admin_app()
    shop = await make_shop()
    owner = await make_person(OWNER, shop)
    browser = browsers(client)
    status, html = await browser.get("/admin/login")
    assert status == 200 and 'name="csrf_token"' in html
    await browser.login(owner.email)
    status, _ = await browser.get("/admin")
    assert status == 303  # one shop: straight to it
    status, html = await browser.get(f"/admin/shops/{shop.id}/")
    assert status == 200 and "已登录" in html  # the flash, shown once
    status, html = await browser.get(f"/admin/shops/{shop.id}/")
    assert "已登录" not in html
    status, _, location = await browser.post("/admin/logout", form_page=f"/admin/shops/{shop.id}/")
    assert status == 303 and location == "/admin/login"
    status, _ = await browser.get(f"/admin/shops/{shop.id}/")
    assert status == 303


async def test_wrong_password_and_unknown_account_get_the_same_answer(admin_app, browsers):
    client, _ = await admin_app()
    owner = await make_person(OWNER, await make_shop())
    browser = browsers(client)
    status, wrong_password, _ = await browser.post(
        "/admin/login", {"identifier": owner.email, "password": "not the password"}
    )
    status_unknown, unknown, _ = await browser.post(
        "/admin/login", {"identifier": "nobody@example.com", "password": "not the password"}
    )
    assert status == status_unknown == 401
    assert WRONG in wrong_password and WRONG in unknown
    assert owner.email in wrong_password  # the typed identifier is kept in the form


async def test_login_is_rate_limited_even_for_the_right_password(admin_app, browsers):
    client, _ = await admin_app()
    owner = await make_person(OWNER, await make_shop())
    browser = browsers(client)
    for _ in range(LOGIN_FAILURES):
        status, _, _ = await browser.post(
            "/admin/login", {"identifier": owner.email, "password": "wrong password!"}
        )
        assert status == 401
    status, html, _ = await browser.post(
        "/admin/login", {"identifier": owner.email, "password": PASSWORD}
    )
    assert status == 429 and "过多" in html
    status, _ = await browser.get("/admin")
    assert status == 303  # not signed in
    # The same count as the JSON API's sign-in (one limiter per runtime).
    response = await client.post(
        "/api/v1/auth/login", json={"identifier": owner.email, "password": PASSWORD}
    )
    assert response.status == 429
    # Another account from the same address is not locked out.
    other = await make_person(OWNER, await make_shop())
    await browsers(client).login(other.email)


async def test_login_without_csrf_token_is_refused(admin_app, browsers):
    client, _ = await admin_app()
    owner = await make_person(OWNER, await make_shop())
    browser = browsers(client)
    await browser.get("/admin/login")
    status, _, _ = await browser.post(
        "/admin/login", {"identifier": owner.email, "password": PASSWORD}, csrf=False
    )
    assert status == 403
    status, _ = await browser.get("/admin")
    assert status == 303


async def test_next_only_leads_within_the_admin(admin_app, browsers):
    client, _ = await admin_app()
    shop = await make_shop()
    owner = await make_person(OWNER, shop)
    wanted = f"/admin/shops/{shop.id}/orders?state=paid"
    browser = browsers(client)
    status, _ = await browser.get(wanted)
    assert status == 303
    status, html = await browser.get(
        f"/admin/login?next={wanted.replace('?', '%3F').replace('=', '%3D')}"
    )
    assert 'name="next" value="/admin/shops/' in html
    status, _, location = await browser.post(
        "/admin/login", {"identifier": owner.email, "password": PASSWORD, "next": wanted}
    )
    assert status == 303 and location == wanted
    for hostile in ("//evil.example/admin", "https://evil.example/", "/admin\\@evil"):
        other = browsers(client)
        status, _, location = await other.post(
            "/admin/login", {"identifier": owner.email, "password": PASSWORD, "next": hostile}
        )
        assert status == 303 and location == "/admin", hostile


async def test_operator_with_many_shops_gets_a_picker(admin_app, browsers):
    from shequ.core.accounts.service import OPERATOR

    client, _ = await admin_app()
    shops = [await make_shop("店"), await make_shop("店")]
    operator = await make_person(OPERATOR)
    browser = browsers(client)
    await browser.login(operator.email)
    status, html = await browser.get("/admin")
    assert status == 200
    for shop in shops:
        assert f'href="/admin/shops/{shop.id}/"' in html


async def test_overlong_input_is_a_wrong_login_not_an_error(admin_app, browsers):
    client, _ = await admin_app()
    owner = await make_person(OWNER, await make_shop())
    browser = browsers(client)
    for identifier, password in [
        ("x" * 1000 + "@example.com", PASSWORD),
        (owner.email, PASSWORD + "x" * 300),
    ]:
        status, html, _ = await browser.post(
            "/admin/login", {"identifier": identifier, "password": password}
        )
        assert status == 401 and WRONG in html
    status, html, _ = await browser.post("/admin/login", {"identifier": "", "password": ""})
    assert status == 422
