"""How long a Shequ app takes to start with every built-in plugin enabled.

Times ``create_app(settings)`` plus the app's start (the ``cleanup_ctx`` that opens the
database, migrates it, runs ``shequ_startup`` and starts the job runner), on a fresh SQLite
file each time. Database work (open, migration planning and applying, the default shop) is
timed apart and reported both inside and outside the total.

Each run is a fresh interpreter, so "first app" includes importing the plugins, as a real
``shequ serve`` does; "second app" is another app built in that same process. The baseline
is a bare ``aiohttp.web.Application()``, timed in the same run.

    python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUN_ONE = "--measure-one-process"


def settings_for(folder: Path, plugins: list[str]):
    from shequ.core.config import settings_from_dict

    return settings_from_dict(
        {
            "platform": {"secret_key": "benchmark-secret-key-0123456789abcdef"},
            "database": {"url": f"sqlite://{folder / 'bench.sqlite3'}"},
            "plugins": {"enabled": plugins},
        },
        base_dir=folder,
    )


class DatabaseClock:
    """Adds up the time spent in the runtime's database work during start-up."""

    def __init__(self, runtime) -> None:
        import shequ.core.shops.service as shops

        self.seconds = 0.0
        db = runtime.db
        for name in ("open", "migrate", "unapplied"):
            setattr(db, name, self.timed(getattr(db, name)))
        self._shops = shops
        self._ensure = shops.ensure_default_shop
        # Runtime.start imports it at call time, so the module attribute is what it finds.
        shops.ensure_default_shop = self.timed(self._ensure)

    def timed(self, method):
        async def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return wrapper

    def restore(self) -> None:
        self._shops.ensure_default_shop = self._ensure


async def start_once(plugins: list[str]) -> dict[str, float]:
    """Build and start one app on a new database; seconds for the total and the database."""
    from aiohttp import web

    from shequ.core.app import create_app
    from shequ.core.appkeys import RUNTIME

    with tempfile.TemporaryDirectory() as folder:
        settings = settings_for(Path(folder), plugins)
        start = time.perf_counter()
        app = create_app(settings)
        clock = DatabaseClock(app[RUNTIME])
        runner = web.AppRunner(app)
        try:
            await runner.setup()  # runs the app's start-up, as serving does
            total = time.perf_counter() - start
        finally:
            clock.restore()
            await runner.cleanup()
    return {"total": total, "db": clock.seconds}


def bare_application_seconds() -> float:
    from aiohttp import web

    count = 2000
    start = time.perf_counter()
    for _ in range(count):
        web.Application()
    return (time.perf_counter() - start) / count


async def measure_one_process(plugins: list[str]) -> dict:
    start = time.perf_counter()
    import shequ.core.app  # noqa: F401  (the core, without plugins)

    imported = time.perf_counter() - start
    first = await start_once(plugins)
    second = await start_once(plugins)
    return {
        "import": imported,
        "first": first,
        "second": second,
        "bare": bare_application_seconds(),
    }


def usable_builtins() -> tuple[list[str], dict[str, str]]:
    """Every built-in plugin, minus those that cannot start on default settings (with why)."""
    from shequ.core import __version__
    from shequ.core.config import ConfigError
    from shequ.core.pluginsys.discovery import builtin_sources
    from shequ.core.pluginsys.dispatch import PluginSetupError

    enabled = sorted(builtin_sources(__version__))
    skipped: dict[str, str] = {}
    while True:
        try:
            asyncio.run(start_once(enabled))
            return enabled, skipped
        except (ConfigError, PluginSetupError) as exc:
            message = str(exc)
            match = re.search(r"plugins\.(\w+)|plugin '(\w+)'", message)
            name = match and (match.group(1) or match.group(2))
            if name not in enabled:
                raise
            enabled.remove(name)
            skipped[name] = message


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def main(runs: int) -> int:
    from shequ.core.config import ConfigError

    try:
        plugins, skipped = usable_builtins()
    except ConfigError as exc:  # not a plugin's: the core itself cannot start
        print(f"startup: cannot start an app: {exc}", file=sys.stderr)
        return 1
    results = []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, __file__, RUN_ONE, json.dumps(plugins)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if proc.returncode != 0:
            print(proc.stdout + proc.stderr, file=sys.stderr)
            return 1
        results.append(json.loads(proc.stdout.splitlines()[-1]))

    def median(path: tuple[str, ...]) -> float:
        values = []
        for result in results:
            for key in path:
                result = result[key]
            values.append(result)
        return statistics.median(values)

    print(
        f"start-up with {len(plugins)} built-in plugin(s) enabled: {', '.join(plugins) or 'none'}"
    )
    for name, reason in skipped.items():
        print(f"  not enabled: {name} ({reason})")
    print(f"median of {runs} processes, each with a new SQLite file per app")
    print(f"  baseline: bare aiohttp.web.Application()  {median(('bare',)) * 1e6:9.1f} us")
    print(f"  import shequ.core.app                    {ms(median(('import',)))}")
    print(f"  {'':<28} {'total':>12} {'database':>12} {'excluding db':>12}")
    for label, key in (("first app (imports plugins)", "first"), ("second app", "second")):
        total, db = median((key, "total")), median((key, "db"))
        print(f"  {label:<28} {ms(total)} {ms(db)} {ms(total - db)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == RUN_ONE:
        with contextlib.redirect_stdout(sys.stderr):  # only the JSON line goes to stdout
            result = asyncio.run(measure_one_process(json.loads(sys.argv[2])))
        print(json.dumps(result))
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes to measure")
    raise SystemExit(main(parser.parse_args().runs))
