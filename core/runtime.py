"""A Runtime is one running Shequ: settings, plugins, hooks, database and jobs.

The web app (``create_app``) and the CLI both build one. Nothing here runs at import time,
and many runtimes may live in one process (each with its own plugin manager and database).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import Any

from shequ.core.config.settings import Settings
from shequ.core.db.database import CORE_APPS, Database
from shequ.core.hooktypes import ModelApp
from shequ.core.jobs.registry import JobRegistry
from shequ.core.jobs.runner import InProcessRunner, JobRunner
from shequ.core.pluginsys.dispatch import OBSERVER_JOB, Hooks
from shequ.core.pluginsys.host import PluginHost
from shequ.core.shops.plugin_settings import PluginSettings

log = logging.getLogger(__name__)


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        extra_plugins: dict[str, ModuleType] | None = None,
        on_hook_call: Callable[[str], None] | None = None,
    ):
        self.settings = settings
        self.plugins = PluginHost(settings, extra_plugins)
        self.hooks = Hooks(self.plugins, self, on_hook_call)
        self.plugin_settings = PluginSettings(self)
        self.model_apps = self._model_apps()
        self.db = Database(settings.database.url, self.model_apps)
        self.jobs = self._job_registry()
        self.runner: JobRunner = InProcessRunner(self)
        self.state: dict[str, Any] = {}  # plugins keep per-runtime objects here, by name
        self.started = False

    def _model_apps(self) -> list[ModelApp]:
        apps = list(CORE_APPS)
        for tagged in self.hooks.setup_sync("shequ_models"):
            app = tagged.value
            if not isinstance(app, ModelApp):
                raise TypeError(f"{tagged.plugin}: shequ_models must return a ModelApp")
            apps.append(app)
        return apps

    def _job_registry(self) -> JobRegistry:
        registry = JobRegistry()

        @registry.handler(OBSERVER_JOB)
        async def deliver(runtime: Runtime, payload: dict[str, Any]) -> None:
            await runtime.hooks.deliver(payload)

        from shequ.core.distribution.ledger import register_jobs as distribution_jobs

        distribution_jobs(self, registry)

        from shequ.core.orders.jobs import register_order_jobs

        register_order_jobs(registry)

        # Each plugin registers under its own name, so a clash names both owners.
        self.hooks.setup_sync("shequ_jobs", jobs=registry, before_each=registry.owned_by)
        registry.owned_by("core")
        return registry

    async def start(self, *, run_jobs: bool = True, migrate: bool | None = None) -> None:
        await self.db.open()
        self.db.activate()
        if migrate if migrate is not None else self.settings.database.migrate_on_start:
            await self.db.migrate()
        else:
            pending = await self.db.unapplied()
            if pending:
                log.warning("unapplied migrations: %s (run `shequ migrate`)", ", ".join(pending))
        if not await self.db.unapplied():
            from shequ.core.shops.service import ensure_default_shop

            await ensure_default_shop(self)
        await self.hooks.setup("shequ_startup")
        if run_jobs:
            await self.runner.start()
        self.started = True

    async def stop(self) -> None:
        if self.started:
            await self.runner.stop()
            try:
                await self.hooks.setup("shequ_shutdown")
            except Exception:
                log.exception("plugin shutdown failed")
        await self.db.close()
        self.started = False

    @contextlib.asynccontextmanager
    async def running(self, **kwargs: Any) -> AsyncIterator[Runtime]:
        try:
            await self.start(**kwargs)
            yield self
        finally:
            await self.stop()

    def wake_jobs(self) -> None:
        self.runner.wake()
