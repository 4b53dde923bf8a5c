"""Fresh databases for tests: an SQLite file, or a new PostgreSQL database per test.

``SHEQU_TEST_DATABASE_URL`` selects PostgreSQL (``postgres://user@host:port/dbname``); each
test gets its own database created next to ``dbname`` and dropped afterwards.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

ENV = "SHEQU_TEST_DATABASE_URL"


def postgres_base() -> str | None:
    return os.environ.get(ENV) or None


def is_postgres() -> bool:
    return postgres_base() is not None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _asyncpg_dsn(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


# The core's migrations are applied once per session into a template that each test copies;
# plugin migrations (if a test enables such plugins) are applied on top at start-up.
_template: dict[str, str] = {}


async def _migrate(url: str) -> None:
    from shequ.core.db.database import CORE_APPS, Database

    db = Database(url, list(CORE_APPS))
    await db.open()
    try:
        await db.migrate()
    finally:
        await db.close()


async def _sqlite_template() -> Path:
    if "sqlite" not in _template:
        folder = Path(tempfile.mkdtemp(prefix="shequ-template-"))
        await _migrate(f"sqlite://{folder / 'template.sqlite3'}")
        _template["sqlite"] = str(folder / "template.sqlite3")
    return Path(_template["sqlite"])


async def _postgres_template(base: str) -> str:
    if "postgres" not in _template:
        name = f"shequ_tmpl_{uuid.uuid4().hex[:12]}"
        await _admin(base, f'CREATE DATABASE "{name}" TEMPLATE template0')
        await _migrate(_with_database(base, name))
        _template["postgres"] = name
        atexit.register(_drop_template, base, name)
    return _template["postgres"]


def _drop_template(base: str, name: str) -> None:
    asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(base: str, sql: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(base))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def create_database(tmp_path: Path, migrated: bool = True) -> str:
    """A new, empty database URL; ``migrated`` copies the core's migrated template."""
    base = postgres_base()
    if base is None:
        tmp_path.mkdir(parents=True, exist_ok=True)
        target = tmp_path / "shequ-test.sqlite3"
        if migrated:
            shutil.copyfile(await _sqlite_template(), target)
        return f"sqlite://{target}"
    name = f"shequ_t_{uuid.uuid4().hex[:12]}"
    template = await _postgres_template(base) if migrated else "template0"
    await _admin(base, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return _with_database(base, name)


async def drop_database(url: str) -> None:
    base = postgres_base()
    if base is None or not url.startswith("postgres"):
        return
    name = urlsplit(url).path.lstrip("/")
    await _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
