"""Migrations are committed and in step with the models; `migrate` applies them all."""

from shequ.core.cli.main import main
from shequ.core.pluginsys.discovery import builtin_sources
from shequ.core.runtime import Runtime

FULL_PATHS = {"fullplugin": "tests.plugins.fullplugin"}


def all_plugins_settings(make_settings, url):
    names = sorted(builtin_sources("0").keys()) + ["fullplugin"]
    return make_settings(
        {"database": {"url": url}, "plugins": {"enabled": names, "paths": FULL_PATHS}}
    )


async def test_models_and_migrations_agree(make_settings, empty_database_url):
    runtime = Runtime(all_plugins_settings(make_settings, empty_database_url))
    await runtime.db.open()
    try:
        changes = await runtime.db.model_changes()
    finally:
        await runtime.db.close()
    assert changes == [], (
        f"models changed without a migration: {changes} (run shequ makemigrations)"
    )


async def test_migrate_applies_everything_in_dependency_order(make_settings, empty_database_url):
    runtime = Runtime(all_plugins_settings(make_settings, empty_database_url))
    await runtime.db.open()
    try:
        pending = await runtime.db.unapplied()
        assert pending[0] == "core.0001_initial"
        assert {p.split(".")[0] for p in pending} >= {"core", "accounts", "catalog", "orders"}
        await runtime.db.migrate()
        assert await runtime.db.unapplied() == []
    finally:
        await runtime.db.close()


def test_migrate_cli_twice(tmp_path, empty_database_url, capsys):
    config = tmp_path / "shequ.toml"
    config.write_text(f'[database]\nurl = "{empty_database_url}"\n')
    assert main(["migrate", "--config", str(config)]) == 0
    assert "applied" in capsys.readouterr().out
    assert main(["migrate", "--config", str(config)]) == 0
    assert "database up to date" in capsys.readouterr().out
