"""Sign-in attempts: 5 failures per 5 minutes per (client IP, identifier), then 429."""

import pytest

from shequ.core.appkeys import RUNTIME
from shequ.core.web.ratelimit import (
    LOGIN_LIMITER,
    SlidingWindowLimiter,
    login_limiter,
)
from tests.core.accounts.support import PASSWORD, sign_in, sign_up


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


async def test_sliding_window():
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=5, window=300, clock=clock)
    for second in range(5):
        assert await limiter.retry_after("k") is None
        clock.now = 1000.0 + second
        await limiter.failed("k")
    clock.now = 1010.0
    assert await limiter.retry_after("k") == pytest.approx(290.0)
    assert await limiter.retry_after("other") is None
    clock.now = 1300.5  # the first failure (at 1000) has left the window
    assert await limiter.retry_after("k") is None
    await limiter.failed("k")
    assert await limiter.retry_after("k") == pytest.approx(0.5)  # until 1001 leaves
    await limiter.reset("k")
    assert await limiter.retry_after("k") is None


async def test_memory_is_bounded():
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=2, window=10, clock=clock, max_keys=3)
    for key in "abcd":
        await limiter.failed(key)
        await limiter.failed(key)
    assert len(limiter._failures) == 3
    assert await limiter.retry_after("a") is None  # the oldest key made room
    assert await limiter.retry_after("d") is not None


@pytest.fixture
async def client(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    await sign_up(client)
    client.session.cookie_jar.clear()
    return client


async def test_sixth_failure_is_429_even_with_the_right_password(client):
    for _ in range(5):
        assert (await sign_in(client, password="wrong password")).status == 401
    blocked = await sign_in(client)
    assert blocked.status == 429
    assert (await blocked.json())["error"]["code"] == "too_many_attempts"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 300
    assert (await client.get("/api/v1/me")).status == 401
    # Another spelling of the same identity is the same key.
    assert (await sign_in(client, "LI@EXAMPLE.COM")).status == 429
    # Another identity from the same address is not held back.
    assert (await sign_in(client, "someone@example.com", "wrong password")).status == 401


async def test_a_success_resets_the_count(client):
    for _ in range(4):
        assert (await sign_in(client, password="wrong password")).status == 401
    assert (await sign_in(client)).status == 200
    for _ in range(5):
        assert (await sign_in(client, password="wrong password")).status == 401
    assert (await sign_in(client, password=PASSWORD)).status == 429


async def test_window_passes(client):
    clock = Clock()
    client.server.app[RUNTIME].state[LOGIN_LIMITER] = SlidingWindowLimiter(clock=clock)
    for _ in range(5):
        await sign_in(client, password="wrong password")
    assert (await sign_in(client)).status == 429
    clock.now += 301
    assert (await sign_in(client)).status == 200


async def test_each_runtime_has_its_own_limiter(make_runtime):
    first, second = make_runtime(), make_runtime()
    assert login_limiter(first) is login_limiter(first)
    assert login_limiter(first) is not login_limiter(second)
    await login_limiter(first).failed("k")
    assert login_limiter(second)._failures == {}
