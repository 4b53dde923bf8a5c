"""Sessions: encrypted cookies, the secret key, guest carts merged at sign-in."""

import sys
import types

import pytest
from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.config import ConfigError
from shequ.core.web.session import COOKIE_NAME, guest_key
from tests.core.accounts.support import sign_in, sign_up


@pytest.mark.parametrize(
    ("secret", "said"), [("", "is empty"), ("short-secret", "has 12 characters")]
)
def test_a_missing_or_short_secret_key_refuses_to_start(make_app, secret, said):
    with pytest.raises(ConfigError, match=rf"^platform\.secret_key: {said}"):
        make_app({"platform": {"secret_key": secret}})


async def test_cookie_is_secure_behind_https(aiohttp_client, make_app):
    client = await aiohttp_client(make_app({"platform": {"base_url": "https://shop.example"}}))
    response = await sign_up(client)
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


async def test_cookie_content_is_encrypted(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    response = await sign_up(client)
    value = response.cookies[COOKIE_NAME].value
    assert "customer_id" not in value and "csrf" not in value


async def show_guest_key(request):
    return web.Response(text=await guest_key(request))


@pytest.fixture
async def client(aiohttp_client, make_app):
    app = make_app()
    app.router.add_get("/test/guest", show_guest_key)
    client = await aiohttp_client(app)
    await sign_up(client)
    client.session.cookie_jar.clear()
    return client


async def test_guest_key_is_stable_per_browser(client):
    first = await (await client.get("/test/guest")).text()
    assert len(first) >= 32
    assert await (await client.get("/test/guest")).text() == first
    client.session.cookie_jar.clear()
    assert await (await client.get("/test/guest")).text() != first


@pytest.fixture
def fake_cart(monkeypatch):
    calls = []
    module = types.ModuleType("shequ.core.checkout.cart")

    async def merge_guest_cart(runtime, session_key, customer_id):
        if module.fail:
            raise RuntimeError("cart broke")
        calls.append((runtime, session_key, customer_id))

    module.merge_guest_cart = merge_guest_cart
    module.fail = False
    module.calls = calls
    monkeypatch.setitem(sys.modules, "shequ.core.checkout.cart", module)
    return module


async def test_sign_in_merges_the_guest_cart(client, fake_cart):
    guest = await (await client.get("/test/guest")).text()
    body = await (await sign_in(client)).json()
    [(runtime, key, customer_id)] = fake_cart.calls
    assert (key, customer_id) == (guest, body["customer"]["id"])
    assert runtime is client.server.app[RUNTIME]
    # The guest key is spent: the signed-in session no longer carries it.
    assert await (await client.get("/test/guest")).text() != guest


async def test_sign_in_without_a_guest_cart_merges_nothing(client, fake_cart):
    assert (await sign_in(client)).status == 200
    assert fake_cart.calls == []


async def test_a_failing_merge_does_not_block_sign_in(client, fake_cart, caplog):
    fake_cart.fail = True
    guest = await (await client.get("/test/guest")).text()
    assert (await sign_in(client)).status == 200
    assert (await client.get("/api/v1/me")).status == 200
    assert "merging the guest cart" in caplog.text
    assert await (await client.get("/test/guest")).text() == guest  # kept for next time


async def test_sign_in_works_before_the_cart_module_exists(client, monkeypatch):
    monkeypatch.setitem(sys.modules, "shequ.core.checkout.cart", None)  # import fails
    await client.get("/test/guest")
    assert (await sign_in(client)).status == 200
    assert (await client.get("/api/v1/me")).status == 200


async def test_sign_out_clears_the_cookie(client):
    await sign_in(client)
    response = await client.post("/api/v1/auth/logout", json={})
    assert response.cookies[COOKIE_NAME].value == ""
    assert (await client.get("/api/v1/me")).status == 401
