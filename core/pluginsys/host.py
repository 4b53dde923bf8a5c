"""Load the enabled plugins into a private pluggy manager and validate their settings."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pluggy
from pydantic import BaseModel, ConfigDict, ValidationError

from shequ.core import hookspecs
from shequ.core.config.errors import ConfigError, describe_validation_error
from shequ.core.config.settings import Settings
from shequ.core.pluginsys import discovery
from shequ.core.pluginsys.markers import PROJECT

log = logging.getLogger(__name__)


class NoSettings(BaseModel):
    """The settings model of a plugin that declares none: no keys allowed."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class LoadedPlugin:
    name: str
    module: Any
    source: discovery.PluginSource
    settings_model: type[BaseModel]
    settings: BaseModel

    @property
    def version(self) -> str:
        return getattr(self.module, "__version__", None) or self.source.version


class PluginHost:
    """The plugins of one runtime. There is no global manager: each runtime builds its own."""

    def __init__(self, settings: Settings, extra: dict[str, ModuleType] | None = None):
        from shequ.core import __version__

        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, LoadedPlugin] = {}
        try:
            self.available = discovery.available(__version__, settings.plugin_paths)
        except discovery.NameConflict as exc:
            raise ConfigError(f"plugins: {exc}") from None
        extra = extra or {}
        for name, module in extra.items():
            source = discovery.PluginSource(name, "registered object", module.__name__, "local")
            self.available[name] = source
        for name in settings.plugins_enabled:
            if name not in self.available:
                names = ", ".join(sorted(self.available)) or "none"
                raise ConfigError(f"plugins.enabled: unknown plugin {name!r} (available: {names})")
            source = self.available[name]
            if source.origin == "config path" and str(settings.base_dir) not in sys.path:
                # A deployment's own plugin lives next to its shequ.toml.
                sys.path.insert(0, str(settings.base_dir))
            module = extra[name] if name in extra else self._import(name, source)
            self._register(name, module, source, settings.plugin_tables.get(name, {}))

    @staticmethod
    def _import(name: str, source: discovery.PluginSource) -> ModuleType:
        try:
            return source.load()
        except Exception as exc:  # any import-time failure is the plugin's config problem
            raise ConfigError(
                f"plugins.enabled: plugin {name!r} ({source.target}) failed to import: "
                f"{type(exc).__name__}: {exc}"
            ) from None

    def _register(
        self, name: str, module: ModuleType, source: discovery.PluginSource, table: dict[str, Any]
    ) -> None:
        model = getattr(module, "Settings", None) or NoSettings
        settings = validate_plugin_settings(name, model, table)
        try:
            self.pm.register(module, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise ConfigError(f"plugins.enabled: plugin {name!r} is invalid: {exc}") from None
        self.plugins[name] = LoadedPlugin(name, module, source, model, settings)

    def implementations(self, hook_name: str) -> list[tuple[str, Any]]:
        """(plugin name, function) pairs in call order."""
        caller = getattr(self.pm.hook, hook_name)
        # pluggy stores implementations in reverse call order.
        return [(impl.plugin_name, impl.function) for impl in reversed(caller.get_hookimpls())]

    def hooks_of(self, plugin_name: str) -> list[str]:
        return sorted(
            caller.name for caller in self.pm.get_hookcallers(self.pm.get_plugin(plugin_name)) or []
        )


def validate_plugin_settings(name: str, model: type[BaseModel], table: dict[str, Any]) -> BaseModel:
    """Validate a ``[plugins.<name>]`` table; errors name the key: ``plugins.name.key: ...``."""
    known = set()
    for field_name, field in model.model_fields.items():
        known.add(field.alias or field_name)
    for key in table:
        if key not in known:
            raise ConfigError(f"plugins.{name}.{key}: unknown key")
    try:
        return model.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, ("plugins", name))) from None
