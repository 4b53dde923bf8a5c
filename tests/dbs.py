"""Fresh databases for tests: an SQLite file, or a new PostgreSQL database per test.

``SHEQU_TEST_DATABASE_URL`` selects PostgreSQL (``postgres://user@host:port/dbname``); each
test gets its own database created next to ``dbname`` and dropped afterwards.
"""

from __future__ import annotations

import os
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


async def create_database(tmp_path: Path) -> str:
    base = postgres_base()
    if base is None:
        return f"sqlite://{tmp_path / 'shequ-test.sqlite3'}"
    name = f"shequ_t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(_asyncpg_dsn(base))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    finally:
        await conn.close()
    return _with_database(base, name)


async def drop_database(url: str) -> None:
    base = postgres_base()
    if base is None or not url.startswith("postgres"):
        return
    name = urlsplit(url).path.lstrip("/")
    conn = await asyncpg.connect(_asyncpg_dsn(base))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
