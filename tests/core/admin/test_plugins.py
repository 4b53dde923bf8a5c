"""The plugins page: enabled plugins, redacted settings, hooks, and per-shop overrides
validated by the plugin's own model; locked keys read-only; errors name the key."""

from __future__ import annotations

import types
from decimal import Decimal
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from shequ.core import hookimpl
from shequ.core.accounts.service import OWNER
from tests.core.admin.support import make_person, make_shop, overrides


class NotesSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    greeting: str = Field(default="你好", description="shown on the shop page")
    max_notes: int = Field(default=10, ge=1, le=100)
    api_token: str = ""
    rates: list[Decimal] = Field(default_factory=lambda: [Decimal(10)])
    mode: Literal["quiet", "loud"] = "quiet"
    limit: int | None = None


def notes_plugin() -> types.ModuleType:
    module = types.ModuleType("notes")
    module.Settings = NotesSettings

    def shequ_startup(runtime):
        return None

    module.shequ_startup = hookimpl(shequ_startup)
    return module


@pytest.fixture
async def notes(admin_app, browsers):
    client, runtime = await admin_app(
        {
            "plugins": {
                "enabled": ["notes", "shipping"],
                "notes": {"api_token": "s3cr3t-token-value", "greeting": "欢迎"},
            },
            "platform": {"locked": {"notes": ["max_notes"]}},
        },
        extra_plugins={"notes": notes_plugin()},
    )
    shop = await make_shop()
    owner = await make_person(OWNER, shop)
    browser = browsers(client)
    await browser.login(owner.email)
    return runtime, shop, browser, f"/admin/shops/{shop.id}/plugins"


def form(**values) -> dict[str, str]:
    data = {}
    for key, value in values.items():
        data[f"override:{key}"] = "on"
        data[f"value:{key}"] = value
    return data


async def test_page_lists_plugins_settings_and_hooks_without_secrets(notes):
    runtime, shop, browser, path = notes
    status, html = await browser.get(path)
    assert status == 200
    assert 'id="plugin-notes"' in html and 'id="plugin-shipping"' in html
    assert "shequ_startup" in html and "shequ_price_adjustments" in html
    assert "欢迎" in html
    assert "s3cr3t-token-value" not in html and "********" in html
    # The locked key is shown read-only, with where the lock comes from.
    locked_row = html.split('data-key="max_notes"', 1)[1].split("</tr>", 1)[0]
    assert "平台已锁定" in locked_row and "platform.locked.notes" in locked_row
    assert 'name="value:max_notes"' not in html


async def test_override_values_of_every_type(notes):
    runtime, shop, browser, path = notes
    status, body, _ = await browser.post(
        f"{path}/notes",
        form(greeting="123", rates="[12.5, 3]", mode="loud", limit="7"),
        form_page=path,
    )
    assert status == 303, body
    assert await overrides(shop) == {
        "notes": {"greeting": "123", "rates": ["12.5", 3], "mode": "loud", "limit": 7}
    }
    effective = await runtime.plugin_settings.for_shop("notes", shop.id)
    assert effective.greeting == "123"
    assert effective.rates == [Decimal("12.5"), Decimal(3)]
    assert effective.mode == "loud" and effective.limit == 7
    assert effective.api_token == "s3cr3t-token-value"  # not overridden: the default stays
    # Unticking everything goes back to the deployment's defaults.
    status, _, _ = await browser.post(f"{path}/notes", {}, form_page=path)
    assert status == 303
    assert (await runtime.plugin_settings.for_shop("notes", shop.id)).greeting == "欢迎"


async def test_a_secret_override_is_kept_when_left_empty_and_never_shown(notes):
    runtime, shop, browser, path = notes
    await browser.post(f"{path}/notes", form(api_token="shop-own-secret"), form_page=path)
    status, html = await browser.get(path)
    assert "shop-own-secret" not in html
    status, _, _ = await browser.post(
        f"{path}/notes", form(api_token="", greeting="嗨"), form_page=path
    )
    assert status == 303
    assert await overrides(shop) == {"notes": {"api_token": "shop-own-secret", "greeting": "嗨"}}


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"mode": "shouting"}, "plugins.notes.mode"),
        ({"limit": "many"}, "plugins.notes.limit"),
        ({"rates": '["x"]'}, "plugins.notes.rates"),
        ({"max_notes": "50"}, "plugins.notes.max_notes"),  # locked by the platform
        ({"no_such_key": "1"}, "plugins.notes.no_such_key"),
    ],
)
async def test_invalid_or_locked_overrides_name_the_key_and_change_nothing(notes, values, key):
    runtime, shop, browser, path = notes
    await browser.post(f"{path}/notes", form(greeting="之前"), form_page=path)
    status, html, _ = await browser.post(
        f"{path}/notes", form(greeting="之后", **values), form_page=path
    )
    assert status == 422
    assert key in html
    assert await overrides(shop) == {"notes": {"greeting": "之前"}}


async def test_shipping_override_changes_the_shops_fee(notes):
    runtime, shop, browser, path = notes
    other = await make_shop()
    status, _, _ = await browser.post(f"{path}/shipping", form(flat_fee="0"), form_page=path)
    assert status == 303
    assert (await runtime.plugin_settings.for_shop("shipping", shop.id)).flat_fee == 0
    assert (await runtime.plugin_settings.for_shop("shipping", other.id)).flat_fee == 1000
    status, html, _ = await browser.post(f"{path}/shipping", form(flat_fee="9.9"), form_page=path)
    assert status == 422 and "plugins.shipping.flat_fee" in html


async def test_unknown_plugin_is_not_found(notes):
    runtime, shop, browser, path = notes
    status, _, _ = await browser.post(f"{path}/nope", form(x="1"), form_page=path)
    assert status == 404
    assert await overrides(shop) == {}
