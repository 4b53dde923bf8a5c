"""The wheel ships ``shequ.core``, ``shequ.plugins`` and ``shequ.themes`` with their data
files, installs no generic top-level package, and imports without the source tree."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
ROOTS = {"core": "shequ/core", "plugins": "shequ/plugins", "themes": "shequ/themes"}
# Folders whose every file is data the running code reads (setup.py's package_data).
DATA_FOLDERS = {"templates", "static", "locales"}
NOT_SOURCE = ("build", "dist", ".git", "__pycache__", "*.egg-info", "*.pyc", ".ruff_cache")


def source_files() -> list[Path]:
    """What a clean clone holds (plus files not committed yet), relative to the repo.

    Asks git, so ignored leftovers (build/, caches, local databases) never count; falls back
    to a walk of the tree outside a git checkout.
    """
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        names = [Path(n) for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(REPO) for p in REPO.rglob("*") if p.is_file()]
        names = [
            n
            for n in names
            if not any(Path(part).match(pat) for part in n.parts for pat in NOT_SOURCE)
        ]
    return sorted(n for n in names if (REPO / n).is_file())


def shipped_name(path: Path) -> str | None:
    """Where a source file must appear in the wheel, or None if it need not ship."""
    top, *rest = path.parts
    if top not in ROOTS or not rest or path.name.startswith(".") or path.suffix == ".pyc":
        return None
    inner = Path(*rest)
    is_data = bool(DATA_FOLDERS & set(inner.parts[:-1])) or path.name == "theme.toml"
    # Theme folders ship whole: templates, static, locales and theme.toml are all read at run time.
    if path.suffix == ".py" or is_data or top == "themes":
        return f"{ROOTS[top]}/{inner.as_posix()}"
    return None


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[Path]]:
    """Build the wheel from a copy of the tree: the build's build/ and *.egg-info/ land in the
    copy and go with it, and a stale build/ in the working tree cannot leak into the wheel."""
    root = tmp_path_factory.mktemp("packaging")
    files = source_files()
    copy = root / "src"
    for name in files:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, copy / name)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            root / "dist",
            copy,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    shutil.rmtree(copy)  # with the build/ and shequ.egg-info/ the build left there
    (wheel,) = (root / "dist").glob("shequ-*.whl")
    return wheel, files


@pytest.fixture(scope="module")
def wheel_names(built) -> set[str]:
    with zipfile.ZipFile(built[0]) as archive:
        return set(archive.namelist())


@pytest.mark.parametrize(
    "name",
    [
        "shequ/core/__init__.py",
        "shequ/core/migrations/0001_initial.py",
        "shequ/plugins/__init__.py",
        "shequ/themes/__init__.py",
    ],
)
def test_wheel_contains(wheel_names, name):
    assert name in wheel_names


def test_wheel_ships_the_default_theme(built, wheel_names):
    theme = [
        p for p in built[1] if p.parts[:2] == ("themes", "default") and not p.name.startswith(".")
    ]
    missing = sorted(
        f"shequ/{p.as_posix()}" for p in theme if f"shequ/{p.as_posix()}" not in wheel_names
    )
    assert not missing, f"theme files missing from the wheel (see setup.py): {missing}"


def test_wheel_ships_every_module_and_data_file(built, wheel_names):
    expected = {shipped_name(path) for path in built[1]} - {None}
    missing = sorted(expected - wheel_names)
    assert not missing, f"in the source tree but not in the wheel (see setup.py): {missing}"


def test_wheel_installs_no_generic_top_level_package(built, wheel_names):
    tops = {name.split("/", 1)[0] for name in wheel_names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_info == {"shequ"}, f"unexpected top-level names: {sorted(tops)}"
    assert not any(n.startswith(("core/", "plugins/", "themes/")) for n in wheel_names)
    (info,) = dist_info
    if f"{info}/top_level.txt" in wheel_names:
        with zipfile.ZipFile(built[0]) as archive:
            assert archive.read(f"{info}/top_level.txt").decode().split() == ["shequ"]


IMPORT_ALL = r"""
import importlib, os, pkgutil, sys

root = os.path.realpath(os.getcwd())
failed = []
names = [
    info.name
    for info in pkgutil.walk_packages([os.path.join(root, "shequ")], "shequ.", onerror=failed.append)
]
for name in names:
    try:
        module = importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {type(exc).__name__}: {exc}")
        continue
    origin = os.path.realpath(module.__file__)
    if not origin.startswith(root + os.sep):
        failed.append(f"{name} imported from {origin}, not from the installed wheel")
if failed:
    print("\n".join(failed))
    sys.exit(1)
print(f"OK {len(names)} modules")
"""


def test_installed_wheel_imports_every_module(built, tmp_path):
    target = tmp_path / "site"
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
            built[0],
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # -S skips site-packages' .pth files, so the editable install of the working tree (a
    # .pth import hook) cannot answer; the dependencies are still found through PYTHONPATH.
    dependencies = [*site.getsitepackages(), site.getusersitepackages()]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(target), *dependencies])
    proc = subprocess.run(
        [sys.executable, "-S", "-c", IMPORT_ALL],
        capture_output=True,
        text=True,
        env=env,
        cwd=target,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK "), proc.stdout
