"""Read ``shequ.toml`` into :class:`Settings`, with errors that name the exact key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shequ.core.config.errors import ConfigError, describe_validation_error
from shequ.core.config.secrets import resolve_secrets
from shequ.core.config.settings import Settings

RESERVED_PLUGIN_KEYS = ("enabled", "paths")


def load_settings(path: str | Path) -> Settings:
    """Load and validate a config file. Raises :class:`ConfigError` with a one-line message."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such config file (create one with `shequ init DIR`)"
        ) from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already says "(at line L, column C)".
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    return settings_from_dict(data, base_dir=path.resolve().parent)


def settings_from_dict(data: dict[str, Any], base_dir: Path | str = ".") -> Settings:
    """Validate an already-parsed config (what tests and embedding code use)."""
    base_dir = Path(base_dir).resolve()
    secret_paths: set[str] = set()
    data = resolve_secrets(data, base_dir, (), secret_paths)
    data = dict(data)
    plugins = data.pop("plugins", {})
    if not isinstance(plugins, dict):
        raise ConfigError("plugins: must be a table")
    plugins = dict(plugins)
    enabled = plugins.pop("enabled", [])
    paths = plugins.pop("paths", {})
    for name, table in plugins.items():
        if not isinstance(table, dict):
            raise ConfigError(
                f"plugins.{name}: must be a table of settings "
                f"(plugins.enabled and plugins.paths are the only other keys)"
            )
    try:
        settings = Settings(
            **data,
            plugins_enabled=enabled,
            plugin_paths=paths,
            plugin_tables=plugins,
            base_dir=base_dir,
            secret_paths=frozenset(secret_paths),
        )
    except ValidationError as exc:
        message = describe_validation_error(exc)
        message = message.replace("plugins_enabled", "plugins.enabled")
        message = message.replace("plugin_paths", "plugins.paths")
        raise ConfigError(message) from None
    if len(set(settings.plugins_enabled)) != len(settings.plugins_enabled):
        raise ConfigError("plugins.enabled: a plugin is listed twice")
    for name in settings.plugin_tables:
        if name not in settings.plugins_enabled:
            raise ConfigError(
                f"plugins.{name}: settings for a plugin that is not in plugins.enabled"
            )
    return settings.model_copy(
        update={
            "database": settings.database.model_copy(
                update={"url": absolute_sqlite_url(settings.database.url, base_dir)}
            )
        }
    )


def absolute_sqlite_url(url: str, base_dir: Path) -> str:
    """Resolve a relative SQLite path against the config file's folder."""
    if not url.startswith("sqlite://") or url == "sqlite://:memory:":
        return url
    path = url[len("sqlite://") :]
    if path.startswith("/"):
        return url
    return f"sqlite://{(base_dir / path).resolve()}"
