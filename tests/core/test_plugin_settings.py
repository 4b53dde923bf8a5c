"""Layered plugin settings: deployment defaults, per-shop overrides, platform locks."""

import pytest

from shequ.core.config import ConfigError
from shequ.core.shops.models import Shop
from shequ.core.shops.plugin_settings import LockedSettingError

FULL = {
    "plugins": {
        "enabled": ["fullplugin"],
        "paths": {"fullplugin": "tests.plugins.fullplugin"},
        "fullplugin": {"greeting": "欢迎", "max_notes": 20},
    },
    "platform": {"locked": {"fullplugin": ["max_notes"]}},
}


@pytest.fixture
async def layered(make_runtime):
    runtime = make_runtime(FULL)
    async with runtime.running(run_jobs=False):
        shop = await Shop.create(slug="s", name="S")
        yield runtime, shop


async def test_shop_without_overrides_gets_deployment_defaults(layered):
    runtime, shop = layered
    effective = await runtime.plugin_settings.for_shop("fullplugin", shop.id)
    assert (effective.greeting, effective.max_notes) == ("欢迎", 20)


async def test_shop_override_applies_to_that_shop_only(layered):
    runtime, shop = layered
    other = await Shop.create(slug="o", name="O")
    await runtime.plugin_settings.set_for_shop("fullplugin", shop.id, {"greeting": "hi"}, "staff:1")
    assert (await runtime.plugin_settings.for_shop("fullplugin", shop.id)).greeting == "hi"
    assert (await runtime.plugin_settings.for_shop("fullplugin", other.id)).greeting == "欢迎"


async def test_locked_key_cannot_be_overridden(layered):
    runtime, shop = layered
    with pytest.raises(LockedSettingError, match=r"^plugins.fullplugin.max_notes: locked"):
        await runtime.plugin_settings.set_for_shop("fullplugin", shop.id, {"max_notes": 5}, "x")
    assert (await runtime.plugin_settings.for_shop("fullplugin", shop.id)).max_notes == 20


async def test_invalid_override_is_refused_with_key_and_nothing_stored(layered):
    from shequ.core.shops.models import ShopPluginSetting

    runtime, shop = layered
    with pytest.raises(ConfigError, match=r"^plugins.fullplugin.greetng: unknown key"):
        await runtime.plugin_settings.set_for_shop("fullplugin", shop.id, {"greetng": "x"}, "x")
    assert await ShopPluginSetting.all().count() == 0
