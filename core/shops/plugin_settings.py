"""Layered plugin settings: deployment defaults < a shop's overrides, minus locked keys.

The deployment's ``[plugins.<name>]`` table gives the defaults; a shop may override keys in
the database (validated by the same pydantic model); keys listed in
``platform.locked.<plugin>`` can never be overridden by a shop.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from shequ.core.config.errors import ConfigError
from shequ.core.pluginsys.host import validate_plugin_settings
from shequ.core.shops.models import ShopPluginSetting

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime


CACHE_SECONDS = 2.0


class LockedSettingError(ConfigError):
    """A shop tried to override a key the platform locks."""


class PluginSettings:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self._cache: dict[tuple[str, int], tuple[float, BaseModel]] = {}

    def defaults(self, plugin: str) -> BaseModel:
        return self.runtime.plugins.plugins[plugin].settings

    def locked_keys(self, plugin: str) -> set[str]:
        return set(self.runtime.settings.platform.locked.get(plugin, []))

    async def for_shop(self, plugin: str, shop_id: int) -> BaseModel:
        """The effective settings of ``plugin`` in shop ``shop_id``.

        Kept for ``CACHE_SECONDS``: pricing asks on every cart view and twice per checkout.
        A change made in this process is seen at once; other processes see it within the TTL.
        """
        key = (plugin, shop_id)
        cached = self._cache.get(key)
        now = time.monotonic()
        if cached is not None and cached[0] > now:
            return cached[1]
        loaded = self.runtime.plugins.plugins[plugin]
        row = await ShopPluginSetting.get_or_none(shop_id=shop_id, plugin=plugin)
        if row is None or not row.values:
            effective = loaded.settings
        else:
            merged = self._merge(plugin, loaded.settings, row.values)
            effective = validate_plugin_settings(plugin, loaded.settings_model, merged)
        self._cache[key] = (now + CACHE_SECONDS, effective)
        return effective

    async def set_for_shop(
        self, plugin: str, shop_id: int, values: dict[str, Any], actor: str
    ) -> BaseModel:
        """Store a shop's overrides after checking locks and validating the merged result."""
        loaded = self.runtime.plugins.plugins[plugin]
        locked = self.locked_keys(plugin) & set(values)
        if locked:
            key = sorted(locked)[0]
            raise LockedSettingError(f"plugins.{plugin}.{key}: locked by the platform")
        merged = self._merge(plugin, loaded.settings, values)
        effective = validate_plugin_settings(plugin, loaded.settings_model, merged)
        await ShopPluginSetting.update_or_create(
            defaults={"values": values, "updated_by": actor}, shop_id=shop_id, plugin=plugin
        )
        self._cache.pop((plugin, shop_id), None)
        return effective

    def _merge(self, plugin: str, defaults: BaseModel, overrides: dict[str, Any]) -> dict[str, Any]:
        merged = defaults.model_dump(by_alias=True)
        for key, value in overrides.items():
            if key not in self.locked_keys(plugin):  # a lock added later wins over old rows
                merged[key] = value
        return merged
