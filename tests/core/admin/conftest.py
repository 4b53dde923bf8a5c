"""Fixtures for the admin tests: an app with the shipping plugin, and browsers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from shequ.core.appkeys import RUNTIME
from tests.core.accounts.support import fast_passwords  # noqa: F401  (autouse fixture)
from tests.core.admin.support import Browser


@pytest.fixture
def admin_app(aiohttp_client, make_app) -> Callable[..., Any]:
    """``client, runtime = await admin_app(settings)``; the database is bound in the test."""

    async def build(data: dict[str, Any] | None = None, **kwargs: Any):
        app = make_app(data, **kwargs)
        client = await aiohttp_client(app)
        runtime = app[RUNTIME]
        runtime.db.activate()
        return client, runtime

    return build


@pytest.fixture
async def browsers() -> AsyncIterator[Callable[[Any], Browser]]:
    """``browsers(client)`` opens a browser with its own cookies; all close at the end."""
    opened: list[Browser] = []

    def open_browser(client) -> Browser:
        browser = Browser(client)
        opened.append(browser)
        return browser

    yield open_browser
    for browser in opened:
        await browser.close()
