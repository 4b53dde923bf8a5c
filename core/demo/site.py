"""The demo folder's ``shequ.toml``: written once, reused (and left as edited) afterwards."""

from __future__ import annotations

import secrets
from pathlib import Path

CONFIG_NAME = "shequ.toml"
DEMO_CONFIG = """\
# The Shequ demo platform, written by `shequ demo`. Edit it freely: `shequ demo` reuses this
# folder (and this file) when run again; delete the folder to start over.

[platform]
name = "社区集市"
# An operator hosting several shops (see README: "single" is one seller's shop).
mode = "multi"
base_url = "http://127.0.0.1:8080"
secret_key = "{secret}"
currency = "CNY"
language = "zh_CN"

[database]
url = "sqlite://demo.sqlite3"

[server]
host = "127.0.0.1"
port = 8080

[plugins]
enabled = ["shipping"]

# 运费 10.00, free from 99.00 (fen); each shop may override it in the admin.
[plugins.shipping]
flat_fee = 1000
free_above = 9900
"""


def ensure_config(folder: Path) -> tuple[Path, bool]:
    """``folder/shequ.toml``, written now if missing; and whether it was written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIG_NAME
    if path.exists():
        return path, False
    path.write_text(DEMO_CONFIG.format(secret=secrets.token_urlsafe(32)), encoding="utf-8")
    return path, True
