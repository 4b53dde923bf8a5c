"""Fixtures shared by every test: fresh databases, settings, runtimes and apps.

Every hook the core calls during the run is recorded; a full run fails if a hookspec was
never called by any test (``docs/hooks.md`` promises each one works).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from shequ.core.app import create_app
from shequ.core.config import Settings, settings_from_dict
from shequ.core.runtime import Runtime
from tests import dbs

CALLED_HOOKS: set[str] = set()


def record_hook(name: str) -> None:
    CALLED_HOOKS.add(name)


def _record_every_runtime() -> None:
    """Runtimes that tests build directly (or the CLI builds in-process) record hooks too."""
    from shequ.core.pluginsys import dispatch

    original = dispatch.Hooks.__init__

    def init(self, host, runtime, on_call):
        original(self, host, runtime, on_call or record_hook)

    dispatch.Hooks.__init__ = init


_record_every_runtime()


@pytest.fixture
async def database_url(tmp_path) -> AsyncIterator[str]:
    url = await dbs.create_database(tmp_path)
    yield url
    await dbs.drop_database(url)


@pytest.fixture
def make_settings(database_url, tmp_path) -> Callable[..., Settings]:
    """Settings for a test: ``make_settings({"plugins": {...}})`` merges over the defaults."""

    def build(data: dict[str, Any] | None = None) -> Settings:
        merged: dict[str, Any] = {
            "platform": {"secret_key": "test-secret-key-0123456789abcdef"},
            "database": {"url": database_url},
            "jobs": {"poll_interval": 0.05, "backoff_seconds": 0.01},
        }
        for key, value in (data or {}).items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        return settings_from_dict(merged, base_dir=tmp_path)

    return build


@pytest.fixture
def make_runtime(make_settings) -> Callable[..., Runtime]:
    def build(data: dict[str, Any] | None = None, **kwargs: Any) -> Runtime:
        return Runtime(make_settings(data), on_hook_call=record_hook, **kwargs)

    return build


@pytest.fixture
async def runtime(make_runtime) -> AsyncIterator[Runtime]:
    """A started runtime with the core only; jobs are drained by the test (run_due)."""
    rt = make_runtime()
    async with rt.running(run_jobs=False):
        yield rt


@pytest.fixture
def make_app(make_settings):
    def build(data: dict[str, Any] | None = None, **kwargs: Any):
        kwargs.setdefault("run_jobs", False)
        return create_app(make_settings(data), on_hook_call=record_hook, **kwargs)

    return build


def pytest_sessionfinish(session, exitstatus):
    """On a full run, fail if any hookspec was never called by a test."""
    from shequ.core.pluginsys.reference import hookspec_functions

    config = session.config
    full_run = (
        not config.option.keyword
        and not config.option.markexpr
        and all(arg.rstrip("/").endswith("tests") for arg in config.args)
    )
    if not full_run or exitstatus != 0 or session.testscollected < 20:
        return
    missing = [fn.__name__ for fn in hookspec_functions() if fn.__name__ not in CALLED_HOOKS]
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line("hooks called by no test: " + ", ".join(missing), red=True, bold=True)
        session.exitstatus = 1


@pytest.fixture
async def empty_database_url(tmp_path) -> AsyncIterator[str]:
    """A database with no tables at all (for migration tests)."""
    url = await dbs.create_database(tmp_path / "empty", migrated=False)
    yield url
    await dbs.drop_database(url)
