"""``shequ.toml``: the settings models, the loader with key-precise errors, secrets."""

from shequ.core.config.errors import ConfigError
from shequ.core.config.loader import load_settings, settings_from_dict
from shequ.core.config.settings import Settings

__all__ = ["ConfigError", "Settings", "load_settings", "settings_from_dict"]
