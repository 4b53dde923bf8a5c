"""CSRF: forms need a token; the API needs JSON or the header; bearer requests are exempt."""

import pytest
from aiohttp import web

from shequ.core.accounts.models import Customer
from shequ.core.appkeys import RUNTIME
from shequ.core.web.csrf import csrf_exempt, csrf_token
from tests.core.accounts.support import JSON, sign_in, sign_up

ORIGIN = "http://127.0.0.1:8080"  # the default platform.base_url


async def show_token(request):
    return web.Response(text=csrf_token(request))


async def accept_form(request):
    form = await request.post()  # the middleware read it already; still readable here
    return web.Response(text=f"ok {form.get('name', '')}")


@csrf_exempt
async def signed_callback(request):
    return web.Response(text="callback ok")


@pytest.fixture
async def client(aiohttp_client, make_app):
    app = make_app()
    app.router.add_get("/test/token", show_token)
    app.router.add_post("/test/form", accept_form)
    app.router.add_delete("/test/form", accept_form)
    app.router.add_post("/test/callback", signed_callback)
    return await aiohttp_client(app)


async def token(client) -> str:
    response = await client.get("/test/token")
    assert response.status == 200
    return await response.text()


async def test_form_post_without_a_token_is_403(client):
    await token(client)  # a session exists, but the form does not carry the token
    response = await client.post("/test/form", data={"name": "x"})
    assert response.status == 403
    assert "expired" in await response.text()


async def test_form_post_with_the_token_passes(client):
    response = await client.post(
        "/test/form", data={"name": "茶", "csrf_token": await token(client)}
    )
    assert response.status == 200
    assert await response.text() == "ok 茶"


async def test_header_token_passes_for_any_unsafe_method(client):
    response = await client.delete("/test/form", headers={"X-CSRF-Token": await token(client)})
    assert response.status == 200


async def test_tokens_differ_per_render_and_all_verify(client):
    first, second = await token(client), await token(client)
    assert first != second
    for value in (first, second):
        response = await client.post("/test/form", data={"csrf_token": value})
        assert response.status == 200


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: "", str.upper]
)
async def test_tampered_tokens_are_403(client, mangle):
    response = await client.post("/test/form", data={"csrf_token": mangle(await token(client))})
    assert response.status == 403


async def test_a_token_from_another_session_is_403(client, aiohttp_client, make_app):
    stolen = await token(client)
    client.session.cookie_jar.clear()
    await token(client)  # a new session with its own secret
    response = await client.post("/test/form", data={"csrf_token": stolen})
    assert response.status == 403


async def test_sign_in_rotates_the_secret(client):
    await sign_up(client)
    before = await token(client)
    client.session.cookie_jar.clear()
    await token(client)
    await sign_in(client)
    assert (await client.post("/test/form", data={"csrf_token": before})).status == 403
    assert (await client.post("/test/form", data={"csrf_token": await token(client)})).ok


async def test_without_any_session_a_form_post_is_403(client):
    response = await client.post("/test/form", data={"csrf_token": "a.b"})
    assert response.status == 403


async def test_exempt_routes_and_unknown_paths(client):
    assert (await client.post("/test/callback", data="<xml/>")).status == 200
    assert (await client.post("/no/such/page", data={"a": "b"})).status == 404


async def test_api_with_a_cookie_needs_json(client):
    await sign_up(client)
    plain = await client.patch(
        "/api/v1/me", data='{"nickname": "evil"}', headers={"Content-Type": "text/plain"}
    )
    assert plain.status == 403
    assert (await plain.json())["error"]["code"] == "csrf_failed"
    form = await client.patch("/api/v1/me", data={"nickname": "evil"})
    assert form.status == 403
    me = await (await client.get("/api/v1/me")).json()
    assert me["nickname"] == ""

    as_json = await client.patch("/api/v1/me", json={"nickname": "good"})
    assert as_json.status == 200 and (await as_json.json())["nickname"] == "good"


async def test_api_accepts_the_header_token_instead_of_json(client):
    await sign_up(client)
    headers = {"Content-Type": "text/plain", "X-CSRF-Token": await token(client)}
    response = await client.patch("/api/v1/me", data='{"nickname": "ok"}', headers=headers)
    assert response.status == 200


async def test_api_with_a_bearer_token_is_exempt(client):
    await sign_up(client)
    body = await (await sign_in(client, token=True)).json()
    client.session.cookie_jar.clear()
    headers = {"Content-Type": "text/plain", "Authorization": f"Bearer {body['token']}"}
    response = await client.patch("/api/v1/me", data='{"nickname": "mini"}', headers=headers)
    assert response.status == 200
    assert (await response.json())["nickname"] == "mini"


async def test_login_csrf_is_refused(client):
    """A hostile page cannot sign the victim into the attacker's account."""
    await sign_up(client)
    client.session.cookie_jar.clear()
    response = await client.post(
        "/api/v1/auth/login",
        data='{"identifier": "li@example.com", "password": "correct horse battery"}',
        headers={"Content-Type": "text/plain"},
    )
    assert response.status == 403
    assert (await client.get("/api/v1/me")).status == 401


async def test_cross_site_origin_is_refused_even_with_json(client):
    await sign_up(client)
    evil = await client.patch(
        "/api/v1/me", json={"nickname": "evil"}, headers={"Origin": "https://evil.example"}
    )
    assert evil.status == 403
    assert (await evil.json())["error"]["code"] == "csrf_origin"
    null = await client.post(
        "/test/form", data={"csrf_token": await token(client)}, headers={"Origin": "null"}
    )
    assert null.status == 403
    same = await client.patch("/api/v1/me", json={"nickname": "ok"}, headers={"Origin": ORIGIN})
    assert same.status == 200
    host = str(client.make_url("/")).rstrip("/")
    assert (await client.patch("/api/v1/me", json={}, headers={"Origin": host})).status == 200


async def test_refused_api_writes_nothing(client):
    response = await client.post(
        "/api/v1/auth/register",
        data='{"kind": "email", "value": "x@example.com", "password": "long enough pw"}',
        headers={"Content-Type": "text/plain"},
    )
    assert response.status == 403
    with client.server.app[RUNTIME].db.bound():
        assert await Customer.all().count() == 0


async def test_safe_methods_never_need_a_token(client):
    assert (await client.get("/api/v1/me", headers=JSON)).status == 401
    assert (await client.head("/test/token")).status == 200
