"""Helpers for the distribution pages tests: an app with the plugin, signed-in browsers."""

from __future__ import annotations

from shequ.core.distribution.models import LedgerEntry
from shequ.core.shops.scope import shop_scope
from tests.core.accounts.support import PASSWORD
from tests.core.admin.support import Browser

JSON = {"Content-Type": "application/json"}


def dist_settings(**settings) -> dict:
    return {"plugins": {"enabled": ["distribution"], "distribution": settings}}


async def sign_in_customer(browser: Browser, email: str) -> None:
    """A storefront sign-in (session cookie) through the accounts API."""
    async with browser.session.post(
        browser.url("/api/v1/auth/login"), json={"identifier": email, "password": PASSWORD}
    ) as response:
        assert response.status == 200, await response.text()


async def earn(shop_id: int, customer_id: int, bucket: str, amount: int) -> None:
    """Money in a bucket, written straight into the ledger (as the engine would)."""
    with shop_scope(shop_id):
        await LedgerEntry.create(
            beneficiary_id=customer_id, bucket=bucket, amount=amount, currency="CNY", kind="t"
        )
