"""Secret references in config values: ``${ENV_VAR}`` and ``file:/path``.

Resolved values are remembered by key path so that every display of the config can redact
them, whatever the field's type.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from shequ.core.config.errors import ConfigError

ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
REDACTED = "********"
# Keys whose values are always secret, even when written inline.
SECRET_NAMES = ("secret", "password", "token", "api_key", "apikey", "private_key", "mch_key")


def resolve_secrets(value: Any, base_dir: Path, path: tuple[str, ...], found: set[str]) -> Any:
    """Return ``value`` with references resolved; record the key paths that held secrets."""
    if isinstance(value, dict):
        return {k: resolve_secrets(v, base_dir, (*path, k), found) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_secrets(v, base_dir, (*path, str(i)), found) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value
    key = ".".join(path)
    if value.startswith("file:"):
        file = Path(value[5:]).expanduser()
        if not file.is_absolute():
            file = base_dir / file
        try:
            found.add(key)
            return file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{key}: cannot read secret file {file}: {exc.strerror}") from None
    if ENV_REF.search(value):
        found.add(key)

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(f"{key}: environment variable {name} is not set")
            return os.environ[name]

        return ENV_REF.sub(substitute, value)
    return value


def is_secret_key(path: str, secret_paths: set[str]) -> bool:
    last = path.rsplit(".", 1)[-1].lower()
    return path in secret_paths or any(name in last for name in SECRET_NAMES)


def redact(value: Any, secret_paths: set[str], path: tuple[str, ...] = ()) -> Any:
    """A copy of ``value`` (plain dicts and lists) with secrets replaced by ``********``."""
    if isinstance(value, dict):
        return {k: redact(v, secret_paths, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, secret_paths, (*path, str(i))) for i, v in enumerate(value)]
    if value not in (None, "") and is_secret_key(".".join(path), secret_paths):
        return REDACTED
    return value


def redact_url(url: str) -> str:
    """Hide the password of a database or Redis URL."""
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1" + REDACTED + "@", url)
