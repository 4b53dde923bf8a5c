"""The accounts API over HTTP: cookies, bearer tokens, profile, addresses, follows."""

import datetime as dt

import pytest

from shequ.core.accounts.models import Address, ApiToken, Customer, ShopFollow
from shequ.core.appkeys import RUNTIME
from shequ.core.shops.models import Shop
from shequ.core.web.session import COOKIE_NAME
from tests.core.accounts.support import JSON, PASSWORD, counts, sign_in, sign_up

ADDRESS = {
    "recipient": "王小明",
    "phone": "13812345678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "detail": "文三路 100 号",
}


@pytest.fixture
async def client(aiohttp_client, make_app):
    return await aiohttp_client(make_app())


def runtime_of(client):
    return client.server.app[RUNTIME]


async def error_of(response, status: int) -> dict:
    assert response.status == status, await response.text()
    return (await response.json())["error"]


# -- register, login, logout --------------------------------------------------------------------


async def test_register_signs_in_with_a_session_cookie(client):
    response = await sign_up(client, "Li@Example.com", nickname="小李")
    assert response.status == 201, await response.text()
    body = await response.json()
    assert body["customer"]["nickname"] == "小李"
    assert body["customer"]["identities"] == [
        {"kind": "email", "value": "li@example.com", "verified": False}
    ]
    assert "token" not in body
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    assert int(cookie["max-age"]) == 30 * 24 * 3600
    me = await client.get("/api/v1/me")
    assert me.status == 200 and (await me.json())["id"] == body["customer"]["id"]


async def test_login_logout_round_trip(client):
    await sign_up(client)
    client.session.cookie_jar.clear()
    assert (await client.get("/api/v1/me")).status == 401

    response = await sign_in(client, "LI@example.com")
    assert response.status == 200
    assert (await client.get("/api/v1/me")).status == 200

    assert (await client.post("/api/v1/auth/logout", headers=JSON)).status == 200
    error = await error_of(await client.get("/api/v1/me"), 401)
    assert error["code"] == "unauthenticated"


async def test_wrong_password_is_401_and_sets_no_session(client):
    await sign_up(client)
    client.session.cookie_jar.clear()
    response = await sign_in(client, password="wrong password")
    assert (await error_of(response, 401))["code"] == "invalid_credentials"
    assert (await client.get("/api/v1/me")).status == 401


async def test_duplicate_registration_is_409(client):
    await sign_up(client, "13812345678", kind="phone")
    before = await counts(runtime_of(client))
    response = await sign_up(client, "+86 138 1234 5678", kind="phone")
    error = await error_of(response, 409)
    assert (error["code"], error["field"]) == ("duplicate", "value")
    assert await counts(runtime_of(client)) == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "email", "value": "nope", "password": PASSWORD}, 422, "value"),
        ({"kind": "email", "value": "a@b.cn", "password": "short"}, 422, "password"),
        ({"kind": "fax", "value": "a@b.cn", "password": PASSWORD}, 422, "kind"),
        ({"kind": "email", "password": PASSWORD}, 422, "value"),
        ({"kind": "email", "value": "a@b.cn", "password": PASSWORD, "admin": True}, 422, "admin"),
        ({"kind": "phone", "value": "555-1234", "password": PASSWORD}, 422, "value"),
    ],
)
async def test_bad_registration_is_4xx_and_writes_nothing(client, body, status, field):
    response = await client.post("/api/v1/auth/register", json=body)
    assert (await error_of(response, status))["field"] == field
    assert set((await counts(runtime_of(client))).values()) == {0}
    assert COOKIE_NAME not in response.cookies


async def test_malformed_json_is_400(client):
    response = await client.post("/api/v1/auth/register", data=b"{nope", headers=JSON)
    assert (await error_of(response, 400))["code"] == "invalid_json"
    response = await client.post("/api/v1/auth/login", data=b"[]", headers=JSON)
    assert (await error_of(response, 400))["code"] == "invalid_json"


async def test_disabled_customer_is_signed_out(client):
    body = await (await sign_up(client)).json()
    with runtime_of(client).db.bound():
        await Customer.filter(id=body["customer"]["id"]).update(status="disabled")
    assert (await client.get("/api/v1/me")).status == 401
    assert (await sign_in(client)).status == 401


async def test_session_survives_only_with_a_genuine_cookie(client):
    await sign_up(client)
    jar = client.session.cookie_jar
    genuine = jar.filter_cookies(client.make_url("/"))[COOKIE_NAME].value
    jar.clear()
    jar.update_cookies({COOKIE_NAME: genuine[:-4] + "AAAA"})
    assert (await client.get("/api/v1/me")).status == 401


async def test_session_from_another_secret_is_worthless(aiohttp_client, make_app):
    first = await aiohttp_client(make_app())
    await sign_up(first)
    cookie = first.session.cookie_jar.filter_cookies(first.make_url("/"))[COOKIE_NAME].value
    other = await aiohttp_client(
        make_app({"platform": {"secret_key": "another-secret-key-9876543210"}})
    )
    other.session.cookie_jar.update_cookies({COOKIE_NAME: cookie})
    assert (await other.get("/api/v1/me")).status == 401
    first.session.cookie_jar.clear()
    first.session.cookie_jar.update_cookies({COOKIE_NAME: cookie})
    assert (await first.get("/api/v1/me")).status == 200  # the same cookie is fine at home


# -- bearer tokens ---------------------------------------------------------------------------


async def bearer(client, identifier: str = "li@example.com") -> str:
    response = await sign_in(client, identifier, token=True)
    body = await response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 30 * 24 * 3600
    client.session.cookie_jar.clear()  # from here on, only the token speaks
    return body["token"]


async def test_bearer_token_flow(client):
    await sign_up(client)
    token = await bearer(client)
    auth = {"Authorization": f"Bearer {token}"}
    me = await client.get("/api/v1/me", headers=auth)
    assert me.status == 200 and (await me.json())["identities"][0]["value"] == "li@example.com"
    with runtime_of(client).db.bound():
        assert (await ApiToken.get()).last_used_at is not None

    # A headless client may write without CSRF ceremony (no JSON content type needed).
    patched = await client.patch(
        "/api/v1/me", data='{"nickname": "小程序"}', headers={**auth, "Content-Type": "text/plain"}
    )
    assert patched.status == 200 and (await patched.json())["nickname"] == "小程序"

    revoked = await client.post("/api/v1/auth/token/revoke", headers=auth, json={})
    assert revoked.status == 200
    assert (await client.get("/api/v1/me", headers=auth)).status == 401
    # Revoking twice: the token no longer authenticates at all.
    assert (await client.post("/api/v1/auth/token/revoke", headers=auth, json={})).status == 401


async def test_logout_with_a_bearer_token_revokes_it(client):
    await sign_up(client)
    auth = {"Authorization": f"Bearer {await bearer(client)}"}
    assert (await client.post("/api/v1/auth/logout", headers=auth)).status == 200
    assert (await client.get("/api/v1/me", headers=auth)).status == 401


async def test_expired_token_is_refused(client):
    await sign_up(client)
    auth = {"Authorization": f"Bearer {await bearer(client)}"}
    with runtime_of(client).db.bound():
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        await ApiToken.all().update(expires_at=past)
    assert (await client.get("/api/v1/me", headers=auth)).status == 401


async def test_token_of_a_disabled_customer_is_refused(client):
    body = await (await sign_up(client)).json()
    auth = {"Authorization": f"Bearer {await bearer(client)}"}
    with runtime_of(client).db.bound():
        await Customer.filter(id=body["customer"]["id"]).update(status="disabled")
    assert (await client.get("/api/v1/me", headers=auth)).status == 401


@pytest.mark.parametrize("token", ["", "shq_unknown", "garbage", "shq_" + "x" * 500])
async def test_unknown_tokens_are_refused(client, token):
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert (await error_of(response, 401))["code"] == "unauthenticated"


async def test_bearer_ignores_the_session_cookie(client):
    await sign_up(client)  # the jar now holds a signed-in session cookie
    response = await client.get("/api/v1/me", headers={"Authorization": "Bearer shq_wrong"})
    assert response.status == 401


async def test_cannot_revoke_someone_elses_token(client):
    await sign_up(client, "a@example.com")
    theirs = await bearer(client, "a@example.com")
    await sign_up(client, "b@example.com")
    response = await client.post("/api/v1/auth/token/revoke", json={"token": theirs})
    assert (await error_of(response, 404))["field"] == "token"
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {theirs}"})).ok


async def test_revoke_without_a_token_is_422(client):
    await sign_up(client)
    response = await client.post("/api/v1/auth/token/revoke", json={})
    assert (await error_of(response, 422))["field"] == "token"


# -- profile -----------------------------------------------------------------------------------


async def test_patch_me(client):
    await sign_up(client)
    response = await client.patch("/api/v1/me", json={"nickname": " 阿明 ", "language": "en"})
    body = await response.json()
    assert (body["nickname"], body["language"]) == ("阿明", "en")
    unchanged = await client.patch("/api/v1/me", json={})
    assert (await unchanged.json())["nickname"] == "阿明"


@pytest.mark.parametrize(
    "body", [{"language": "fr"}, {"nickname": "x" * 65}, {"status": "active"}, {"id": 5}]
)
async def test_bad_profile_changes_are_422(client, body):
    await sign_up(client, nickname="before")
    response = await client.patch("/api/v1/me", json=body)
    assert (await error_of(response, 422))["code"] == "invalid"
    me = await (await client.get("/api/v1/me")).json()
    assert (me["nickname"], me["language"]) == ("before", "")


async def test_endpoints_need_a_customer(client):
    for method, path in [
        ("GET", "/api/v1/me"),
        ("PATCH", "/api/v1/me"),
        ("GET", "/api/v1/me/addresses"),
        ("POST", "/api/v1/me/addresses"),
        ("PUT", "/api/v1/me/addresses/1"),
        ("DELETE", "/api/v1/me/addresses/1"),
        ("GET", "/api/v1/me/follows"),
        ("POST", "/api/v1/shops/1/follow"),
        ("DELETE", "/api/v1/shops/1/follow"),
        ("POST", "/api/v1/auth/token/revoke"),
    ]:
        response = await client.request(method, path, json={})
        assert (await error_of(response, 401))["code"] == "unauthenticated", (method, path)


# -- addresses -------------------------------------------------------------------------------


async def test_address_crud(client):
    await sign_up(client)
    first = await client.post("/api/v1/me/addresses", json=ADDRESS)
    assert first.status == 201
    first = await first.json()
    assert first["is_default"] and first["phone"] == "+8613812345678"
    second = await (
        await client.post("/api/v1/me/addresses", json={**ADDRESS, "is_default": True})
    ).json()
    listing = await (await client.get("/api/v1/me/addresses")).json()
    assert [(a["id"], a["is_default"]) for a in listing["items"]] == [
        (second["id"], True),
        (first["id"], False),
    ]

    updated = await client.put(
        f"/api/v1/me/addresses/{first['id']}",
        json={**ADDRESS, "detail": "新地址", "is_default": True},
    )
    assert updated.status == 200
    assert (await updated.json())["detail"] == "新地址"
    listing = await (await client.get("/api/v1/me/addresses")).json()
    assert [a["id"] for a in listing["items"] if a["is_default"]] == [first["id"]]

    deleted = await client.delete(f"/api/v1/me/addresses/{first['id']}", headers=JSON)
    assert deleted.status == 200
    listing = await (await client.get("/api/v1/me/addresses")).json()
    assert [(a["id"], a["is_default"]) for a in listing["items"]] == [(second["id"], True)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "0571-8888888"}, "phone"),
        ({"recipient": ""}, "recipient"),
        ({"detail": "   "}, "detail"),
        ({"province": "省" * 33}, "province"),
        ({"is_default": "maybe"}, "is_default"),
    ],
)
async def test_bad_addresses_are_422_and_write_nothing(client, change, field):
    await sign_up(client)
    response = await client.post("/api/v1/me/addresses", json={**ADDRESS, **change})
    assert (await error_of(response, 422))["field"] == field
    with runtime_of(client).db.bound():
        assert await Address.all().count() == 0


async def test_unsetting_the_default_is_422(client):
    await sign_up(client)
    address = await (await client.post("/api/v1/me/addresses", json=ADDRESS)).json()
    response = await client.put(
        f"/api/v1/me/addresses/{address['id']}", json={**ADDRESS, "is_default": False}
    )
    assert (await error_of(response, 422))["field"] == "is_default"


async def test_someone_elses_address_is_404(client):
    await sign_up(client, "a@example.com")
    address = await (await client.post("/api/v1/me/addresses", json=ADDRESS)).json()
    await sign_up(client, "b@example.com")
    path = f"/api/v1/me/addresses/{address['id']}"
    assert (await error_of(await client.put(path, json=ADDRESS), 404))["code"] == "not_found"
    assert (await client.delete(path, headers=JSON)).status == 404
    assert (await client.put("/api/v1/me/addresses/99999999", json=ADDRESS)).status == 404
    assert (await client.put("/api/v1/me/addresses/abc", json=ADDRESS)).status == 404
    huge = "/api/v1/me/addresses/" + "9" * 30
    assert (await error_of(await client.put(huge, json=ADDRESS), 404))["code"] == "not_found"
    with runtime_of(client).db.bound():
        assert await Address.all().count() == 1


# -- follows ---------------------------------------------------------------------------------


async def test_follow_is_idempotent(client):
    await sign_up(client)
    with runtime_of(client).db.bound():
        shop = await Shop.get(slug="main")
    path = f"/api/v1/shops/{shop.id}/follow"
    for _ in range(2):
        response = await client.post(path, headers=JSON)
        assert (await response.json()) == {"following": True}
    follows = await (await client.get("/api/v1/me/follows")).json()
    assert [(f["shop_id"], f["slug"]) for f in follows["items"]] == [(shop.id, "main")]
    for _ in range(2):
        response = await client.delete(path, headers=JSON)
        assert (await response.json()) == {"following": False}
    assert (await (await client.get("/api/v1/me/follows")).json())["items"] == []


async def test_following_a_missing_shop_is_404(client):
    await sign_up(client)
    response = await client.post("/api/v1/shops/424242/follow", headers=JSON)
    assert (await error_of(response, 404))["field"] == "shop_id"
    assert (await client.delete("/api/v1/shops/424242/follow", headers=JSON)).status == 404
    with runtime_of(client).db.bound():
        assert await ShopFollow.all().count() == 0


async def test_openapi_documents_the_accounts_endpoints(client):
    doc = await (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/auth/login" in doc["paths"]
    assert doc["paths"]["/api/v1/me/addresses/{address_id}"]["put"]["security"]
