"""``shequ init DIR``: a commented starter config for the embedded setup."""

from __future__ import annotations

import secrets
from pathlib import Path

STARTER = """\
# Shequ configuration. Every key below shows its default; delete what you do not change.
# Relative paths are relative to this file. Secrets may be written as ${{ENV_VAR}} or
# file:/path/to/secret and are redacted wherever the config is shown.

[platform]
name = "{name}"
# "single": one seller, the platform home is the shop. "multi": an operator hosting shops.
mode = "single"
base_url = "http://127.0.0.1:8080"
# Signs session cookies and API tokens. Keep it secret; prefer secret_key = "${{SHEQU_SECRET_KEY}}".
secret_key = "{secret}"
currency = "CNY"
language = "zh_CN"

# Plugin settings no shop may override, e.g. the distribution depth:
# [platform.locked]
# distribution = ["levels"]

[database]
# Embedded default: an SQLite file. For PostgreSQL: "postgres://user:password@host:5432/shequ"
url = "sqlite://shequ.sqlite3"
migrate_on_start = true

[jobs]
# "inprocess": the serving process delivers jobs from the database outbox.
backend = "inprocess"
poll_interval = 0.5
max_attempts = 5

[cache]
backend = "memory"

[orders]
# Unpaid orders are cancelled and their stock returned after this many minutes.
unpaid_window_minutes = 30
auto_complete_days = 10

[payments]
# The sandbox pay page (demo payments) is on only when base_url is a loopback address,
# unless set here. Never enable it on a public shop.
# sandbox = false
# default_provider = "manual"

[server]
host = "127.0.0.1"
port = 8080

[theme]
name = "default"

[logging]
level = "INFO"

[plugins]
# Built-in plugins, installed ones (entry point group "shequ") and keys of [plugins.paths].
enabled = []

# A deployment's own plugins, by dotted module path:
# [plugins.paths]
# mysite = "mysite.plugin"
"""


def write_starter(folder: Path, name: str = "Shequ") -> Path:
    """Write ``folder/shequ.toml``; refuses to overwrite an existing file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "shequ.toml"
    if target.exists():
        raise FileExistsError(target)
    target.write_text(STARTER.format(name=name, secret=secrets.token_urlsafe(32)), encoding="utf-8")
    return target
