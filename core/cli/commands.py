"""The built-in ``shequ`` sub-commands. Each is a small class: name, help, arguments, run."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

from shequ.core.accounts.cli import CreateUser
from shequ.core.config import ConfigError, Settings, load_settings
from shequ.core.config.secrets import redact, redact_url
from shequ.core.config.starter import write_starter
from shequ.core.demo.cli import Demo
from shequ.core.logs import configure_logging
from shequ.core.storefront.cli import ThemeCommand

log = logging.getLogger(__name__)


class CommandError(Exception):
    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


class Command:
    name = ""
    help = ""

    def configure(self, parser: argparse.ArgumentParser) -> None:
        pass

    def __call__(self, args: argparse.Namespace) -> int:
        raise NotImplementedError

    @staticmethod
    def settings(args: argparse.Namespace) -> Settings:
        settings = load_settings(args.config)
        configure_logging(args.log_level or settings.logging.level)
        return settings


def build_runtime(settings: Settings):
    from shequ.core.pluginsys.dispatch import PluginSetupError
    from shequ.core.runtime import Runtime

    try:
        return Runtime(settings)
    except PluginSetupError as exc:
        raise ConfigError(str(exc)) from None


class Init(Command):
    name = "init"
    help = "write a commented starter shequ.toml into DIR"

    def configure(self, parser):
        parser.add_argument("dir", type=Path)
        parser.add_argument("--name", default="Shequ", help="the platform's name")

    def __call__(self, args):
        try:
            path = write_starter(args.dir, args.name)
        except FileExistsError as exc:
            raise CommandError(f"{exc} already exists; not overwritten", 1) from None
        print(f"wrote {path}")
        print(f"next: shequ check --config {path} && shequ migrate --config {path}")
        return 0


class Check(Command):
    name = "check"
    help = "validate the config and every enabled plugin's settings"

    def __call__(self, args):
        settings = self.settings(args)
        runtime = build_runtime(settings)
        print(f"config ok: {args.config}")
        print(f"  database: {redact_url(settings.database.url)}")
        print(f"  plugins: {', '.join(runtime.plugins.plugins) or 'none'}")
        return 0


class Migrate(Command):
    name = "migrate"
    help = "apply pending migrations of the core and every enabled plugin"

    def configure(self, parser):
        parser.add_argument("--plan", action="store_true", help="list pending migrations only")

    def __call__(self, args):
        runtime = build_runtime(self.settings(args))

        async def run() -> int:
            await runtime.db.open()
            try:
                pending = await runtime.db.unapplied()
                if args.plan:
                    print("\n".join(pending) or "nothing to apply")
                    return 0
                await runtime.db.migrate()
                from shequ.core.shops.service import ensure_default_shop

                with runtime.db.bound():
                    await ensure_default_shop(runtime)
                print(f"applied {len(pending)} migration(s)" if pending else "database up to date")
                return 0
            finally:
                await runtime.db.close()

        return asyncio.run(run())


class MakeMigrations(Command):
    name = "makemigrations"
    help = "(developers) write migrations for models that changed"

    def __call__(self, args):
        runtime = build_runtime(self.settings(args))

        async def run() -> int:
            await runtime.db.open()
            try:
                written = await runtime.db.make_migrations()
            finally:
                await runtime.db.close()
            print("\n".join(written) or "no changes")
            return 0

        return asyncio.run(run())


class Serve(Command):
    name = "serve"
    help = "serve the platform over HTTP"

    def configure(self, parser):
        parser.add_argument("--host", default=None)
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--dev", action="store_true", help="reload templates on change")

    def __call__(self, args):
        from aiohttp import web

        from shequ.core.app import create_app

        settings = self.settings(args)
        app = create_app(settings)
        if args.dev:
            from shequ.core.appkeys import RUNTIME
            from shequ.core.storefront.engine import storefront_of

            storefront_of(app[RUNTIME]).reload_on_change()
        host = args.host or settings.server.host
        port = args.port if args.port is not None else settings.server.port
        print(f"serving {settings.platform.name} on http://{host}:{port}/", flush=True)
        web.run_app(app, host=host, port=port, print=None, access_log=log)
        return 0


class Plugins(Command):
    name = "plugins"
    help = "list available and enabled plugins, their versions, settings and hooks"

    def configure(self, parser):
        parser.add_argument("--json", action="store_true")

    def __call__(self, args):
        settings = self.settings(args)
        runtime = build_runtime(settings)
        report = plugin_report(runtime)
        if args.json:
            print(json.dumps(report, ensure_ascii=False, indent=2))
            return 0
        for item in report:
            state = "enabled" if item["enabled"] else "available"
            print(
                f"{item['name']} {item['version']} [{state}] ({item['origin']}: {item['module']})"
            )
            if item["enabled"]:
                for key, value in item["settings"].items():
                    print(f"    {key} = {json.dumps(value, ensure_ascii=False)}")
                for hook in item["hooks"]:
                    print(f"    hook {hook['name']} (position {hook['position']} of {hook['of']})")
        return 0


def plugin_report(runtime) -> list[dict[str, Any]]:
    """Plugins with version, redacted settings and hooks with their call position."""
    secret_paths = set(runtime.settings.secret_paths)
    report = []
    for name, source in sorted(runtime.plugins.available.items()):
        loaded = runtime.plugins.plugins.get(name)
        entry: dict[str, Any] = {
            "name": name,
            "enabled": loaded is not None,
            "origin": source.origin,
            "module": source.target,
            "version": loaded.version if loaded else source.version,
        }
        if loaded is not None:
            values = loaded.settings.model_dump(mode="json")
            entry["settings"] = redact(values, secret_paths, ("plugins", name))
            hooks = []
            for hook in runtime.plugins.hooks_of(name):
                order = [plugin for plugin, _ in runtime.plugins.implementations(hook)]
                hooks.append({"name": hook, "position": order.index(name) + 1, "of": len(order)})
            entry["hooks"] = hooks
        report.append(entry)
    return report


class Hooks(Command):
    name = "hooks"
    help = "print the hook reference (--markdown for docs/hooks.md)"

    def configure(self, parser):
        parser.add_argument("--markdown", action="store_true")

    def __call__(self, args):
        from shequ.core.pluginsys import reference

        sys.stdout.write(reference.markdown() if args.markdown else reference.text())
        return 0


class Jobs(Command):
    name = "jobs"
    help = "list jobs (dead letters by default) or retry one: shequ jobs retry ID"

    def configure(self, parser):
        parser.add_argument("action", nargs="?", default="list", choices=["list", "retry"])
        parser.add_argument("job_id", nargs="?", type=int)
        parser.add_argument(
            "--status", default="dead", choices=["queued", "running", "done", "dead", "all"]
        )
        parser.add_argument("--limit", type=int, default=50)

    def __call__(self, args):
        from shequ.core.jobs.models import Job
        from shequ.core.jobs.runner import retry_job

        runtime = build_runtime(self.settings(args))
        if args.action == "retry" and args.job_id is None:
            raise CommandError("jobs retry needs a job id", 2)

        async def run() -> int:
            await runtime.db.open()
            try:
                with runtime.db.bound():
                    if args.action == "retry":
                        if not await retry_job(args.job_id):
                            raise CommandError(f"job {args.job_id} is not a dead job", 1)
                        print(f"job {args.job_id} queued again")
                        return 0
                    query = Job.all() if args.status == "all" else Job.filter(status=args.status)
                    jobs = await query.order_by("-id").limit(args.limit)
                    if not jobs:
                        print("no jobs" if args.status == "all" else f"no {args.status} jobs")
                    for job in jobs:
                        print(
                            f"#{job.id} {job.name} {job.status} attempts={job.attempts}/"
                            f"{job.max_attempts} run_at={job.run_at:%Y-%m-%d %H:%M:%S}"
                        )
                        if job.last_error:
                            print(f"    last error: {job.last_error}")
                    return 0
            finally:
                await runtime.db.close()

        return asyncio.run(run())


class PluginCommand(Command):
    """Wraps a plugin's :class:`~shequ.core.hooktypes.CliCommand` with a started runtime."""

    def __init__(self, command):
        self.command = command

    def __call__(self, args):
        runtime = build_runtime(self.settings(args))

        async def run() -> int:
            async with runtime.running(run_jobs=False, migrate=False):
                return int(await self.command.run(runtime, args) or 0)

        return asyncio.run(run())


def plugin_cli_commands(settings: Settings) -> list:
    runtime = build_runtime(settings)
    found = []
    for tagged in runtime.hooks.setup_sync("shequ_cli_commands"):
        found.extend(tagged.value)
    return found


ALL = [Init(), Check(), Migrate(), MakeMigrations(), Serve(), Plugins(), Hooks(), Jobs()]
ALL.append(CreateUser())
ALL.append(ThemeCommand())
ALL.append(Demo())
