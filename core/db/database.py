"""One tortoise context per runtime, so several apps with different databases can share a
process (tests do). Code that touches models runs inside :meth:`Database.bound`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from tortoise.context import TortoiseContext, _current_context
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationExecutor

from shequ.core.config.secrets import redact_url
from shequ.core.hooktypes import ModelApp

log = logging.getLogger(__name__)

# The core's tortoise apps, one migrations package each, in dependency order.
CORE_APPS = [
    ModelApp(
        "core", ("shequ.core.shops.models", "shequ.core.jobs.models"), "shequ.core.migrations"
    ),
    ModelApp("accounts", ("shequ.core.accounts.models",), "shequ.core.accounts.migrations"),
    ModelApp("catalog", ("shequ.core.catalog.models",), "shequ.core.catalog.migrations"),
    ModelApp(
        "orders",
        (
            "shequ.core.checkout.models",
            "shequ.core.orders.models",
            "shequ.core.payments.models",
        ),
        "shequ.core.orders.migrations",
    ),
    ModelApp(
        "distribution",
        ("shequ.core.distribution.models",),
        "shequ.core.distribution.migrations",
    ),
    ModelApp("reputation", ("shequ.core.reputation.models",), "shequ.core.reputation.migrations"),
]


def tortoise_url(url: str) -> str:
    """Map the config's URL schemes to tortoise's (``postgresql://`` -> asyncpg)."""
    for scheme in ("postgresql://", "asyncpg://"):
        if url.startswith(scheme):
            return "postgres://" + url[len(scheme) :]
    return url


class Database:
    def __init__(self, url: str, apps: list[ModelApp]):
        self.url = url
        self.apps = apps
        self.context: TortoiseContext | None = None

    @property
    def dialect(self) -> str:
        return "sqlite" if self.url.startswith("sqlite") else "postgres"

    def tortoise_config(self) -> dict[str, Any]:
        return {
            "connections": {"default": tortoise_url(self.url)},
            "apps": {
                app.label: {
                    "models": list(app.models),
                    "migrations": app.migrations,
                    "default_connection": "default",
                }
                for app in self.apps
            },
            "use_tz": True,
            "timezone": "UTC",
        }

    async def open(self) -> None:
        log.info("opening database %s", redact_url(self.url))
        self.context = TortoiseContext()
        with self.bound():
            await self.context.init(config=self.tortoise_config())

    async def close(self) -> None:
        if self.context is not None:
            with self.bound():
                await self.context.close_connections()
            self.context = None

    @contextlib.contextmanager
    def bound(self) -> Iterator[None]:
        """Make this database the current one for models in this task (and tasks it starts).

        tortoise keeps the active context in a contextvar; TortoiseContext's own ``with``
        stores one token on the instance, which concurrent requests would overwrite, so the
        variable is set here per call.
        """
        token = _current_context.set(self.context)
        try:
            yield
        finally:
            _current_context.reset(token)

    def activate(self) -> None:
        """Bind for the rest of the current task (used by request middleware and jobs)."""
        _current_context.set(self.context)

    def connection(self):
        assert self.context is not None, "database is not open"
        return self.context.db()

    async def migrate(self) -> None:
        """Apply every pending migration of every app, in dependency order."""
        with self.bound():
            executor = MigrationExecutor(self.connection(), self._apps_config())
            await executor.migrate(progress=self._progress)

    async def unapplied(self) -> list[str]:
        with self.bound():
            executor = MigrationExecutor(self.connection(), self._apps_config())
            plan = await executor.plan()
            return [f"{s.migration.app_label}.{s.migration.name}" for s in plan if not s.backward]

    async def model_changes(self) -> list[str]:
        """Apps whose models differ from their committed migrations (empty when in step)."""
        with self.bound():
            assert self.context is not None and self.context.apps is not None
            detector = MigrationAutodetector(self.context.apps, self._apps_config())
            writers = await detector.changes()
            return [f"{w.app_label}: {len(w.operations)} operation(s)" for w in writers]

    async def make_migrations(self) -> list[str]:
        with self.bound():
            assert self.context is not None and self.context.apps is not None
            detector = MigrationAutodetector(self.context.apps, self._apps_config())
            return [str(writer.write()) for writer in await detector.changes()]

    async def ping(self) -> bool:
        try:
            with self.bound():
                await self.connection().execute_query("SELECT 1")
            return True
        except Exception:  # any failure means "not healthy"; the reason is logged
            log.warning("database ping failed", exc_info=True)
            return False

    def _apps_config(self) -> dict[str, dict[str, Any]]:
        return self.tortoise_config()["apps"]

    @staticmethod
    def _progress(event: str, app_label: str, name: str) -> None:
        log.info("migration %s %s.%s", event, app_label, name)
