"""examples/hello_plugin works as a third-party distribution: installed, it is discovered
through the ``shequ`` entry-point group; enabled, it serves its route and fills its slot."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shequ.core.appkeys import RUNTIME
from shequ.core.config import ConfigError
from shequ.core.hooktypes import SlotContent

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hello_plugin"
ENABLE_HELLO = '[plugins]\nenabled = ["hello"]\n'
LISTED = "hello 0.1.0 [enabled] (entry point (shequ-hello): shequ_hello)"


@pytest.fixture(scope="module")
def installed_hello(tmp_path_factory) -> Path:
    """``pip install --no-deps --target DIR examples/hello_plugin``; returns DIR.

    pip builds a local folder in place, so it builds a copy: the source tree gets no build/.
    """
    root = tmp_path_factory.mktemp("hello")
    source = root / "src"
    shutil.copytree(
        EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    target = root / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            target,
            source,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (target / "shequ_hello" / "__init__.py").exists()
    return target


def shequ_plugins(config: Path, pythonpath: Path | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "shequ.core.cli.main", "plugins", "--config", str(config)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        # Not the repository: ``python -m`` puts the working directory on sys.path.
        cwd=config.parent,
        timeout=120,
    )


def write_config(folder: Path, text: str) -> Path:
    path = folder / "shequ.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_installed_plugin_is_listed_through_its_entry_point(installed_hello, tmp_path):
    proc = shequ_plugins(write_config(tmp_path, ENABLE_HELLO), installed_hello)
    assert proc.returncode == 0, proc.stderr
    assert LISTED in proc.stdout.splitlines()
    assert '    greeting = "你好"' in proc.stdout
    assert "    hook shequ_routes (position 1 of 1)" in proc.stdout
    assert "    hook shequ_slot (position 1 of 1)" in proc.stdout


@pytest.mark.slow
def test_plugin_is_unknown_when_not_installed(installed_hello, tmp_path):
    proc = shequ_plugins(write_config(tmp_path, ""), None)
    assert proc.returncode == 0, proc.stderr
    assert not any(line.startswith("hello ") for line in proc.stdout.splitlines())

    proc = shequ_plugins(write_config(tmp_path, ENABLE_HELLO), None)
    assert proc.returncode == 2
    assert "plugins.enabled: unknown plugin 'hello'" in proc.stderr


@pytest.fixture
def hello_module(monkeypatch):
    """The example's module imported from its source folder (no install needed)."""
    monkeypatch.syspath_prepend(str(EXAMPLE))
    module = importlib.import_module("shequ_hello")
    assert Path(module.__file__).is_relative_to(EXAMPLE)
    yield module
    sys.modules.pop("shequ_hello", None)


async def test_route_answers_with_the_configured_greeting(aiohttp_client, make_app, hello_module):
    app = make_app(
        {"plugins": {"enabled": ["hello"], "hello": {"greeting": "欢迎光临"}}},
        extra_plugins={"hello": hello_module},
    )
    client = await aiohttp_client(app)
    response = await client.get("/p/hello/")
    assert response.status == 200
    assert response.content_type == "application/json"
    assert await response.json() == {"greeting": "欢迎光临"}
    assert "欢迎光临" in await response.text()  # readable, not \u-escaped


async def test_default_greeting(aiohttp_client, make_app, hello_module):
    app = make_app({"plugins": {"enabled": ["hello"]}}, extra_plugins={"hello": hello_module})
    client = await aiohttp_client(app)
    assert await (await client.get("/p/hello/")).json() == {"greeting": "你好"}


async def test_slot_escapes_the_greeting_and_ignores_other_slots(make_app, hello_module):
    app = make_app(
        {"plugins": {"enabled": ["hello"], "hello": {"greeting": "<script>x</script>"}}},
        extra_plugins={"hello": hello_module},
    )
    hooks = app[RUNTIME].hooks
    results = await hooks.transform("shequ_slot", name="home.sections", context={})
    assert [(t.plugin, t.value) for t in results] == [
        (
            "hello",
            SlotContent('<p class="hello-greeting">&lt;script&gt;x&lt;/script&gt;</p>', safe=True),
        )
    ]
    assert await hooks.transform("shequ_slot", name="product.after_price", context={}) == []


def test_unknown_setting_is_refused_with_its_key(make_app, hello_module):
    with pytest.raises(ConfigError, match=r"^plugins\.hello\.greetng: unknown key"):
        make_app(
            {"plugins": {"enabled": ["hello"], "hello": {"greetng": "hi"}}},
            extra_plugins={"hello": hello_module},
        )
