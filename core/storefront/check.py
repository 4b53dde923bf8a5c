"""``shequ theme check``: find a theme's mistakes before a buyer does.

Checks ``theme.toml``, compiles every template of the theme with lookups through its chain,
resolves the templates it extends or includes, the slots and assets it names, and the
translations of every message it uses. Each problem is a ``file:line: message``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import PoFileError
from jinja2 import TemplateNotFound, TemplateSyntaxError, nodes
from jinja2.ext import babel_extract
from pydantic import ValidationError

from shequ.core import __version__
from shequ.core.config.errors import ConfigError
from shequ.core.storefront import i18n
from shequ.core.storefront.assets import AssetResolver
from shequ.core.storefront.slots import SLOTS
from shequ.core.storefront.templates import build_environment
from shequ.core.storefront.themes import (
    MANIFEST,
    Theme,
    ThemeChain,
    ThemeManifest,
    chain_for,
    safe_join,
    version_matches,
)

# The languages every storefront string must be translated into (PlatformSettings.language).
REQUIRED_LANGUAGES = ("zh_CN", "en")
GETTEXT_FUNCTIONS = ("_", "gettext", "ngettext", "pgettext", "npgettext")


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def toml_key_line(text: str, loc: Sequence[str | int]) -> int:
    """The line defining ``loc`` (e.g. ``settings.brand_color.type``), or its closest parent."""
    wanted = tuple(str(part) for part in loc)
    best, best_depth = 1, 0
    table: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\s*([^\[\]]+?)\s*\]", line)
        if header:
            table = tuple(part.strip().strip("\"'") for part in header.group(1).split("."))
            path = table
        else:
            key = re.match(r"^([A-Za-z0-9_.\"'-]+)\s*=", line)
            if not key:
                continue
            path = table + tuple(p.strip("\"'") for p in key.group(1).split("."))
        depth = 0
        for have, want in zip(path, wanted, strict=False):
            if have != want:
                break
            depth += 1
        if depth == len(path) and depth > best_depth:
            best, best_depth = number, depth
    return best


def _config_key(message: str) -> str:
    """``/x/theme.toml: extends: unknown theme`` -> ``extends``."""
    rest = message.split(f"{MANIFEST}: ", 1)[-1]
    return rest.split(":", 1)[0].strip()


def check_manifest(folder: Path) -> tuple[ThemeChain | None, list[Problem]]:
    """The theme's chain, or ``None`` and the problems of its ``theme.toml``."""
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None, [Problem(path, 1, "no theme.toml (is this a theme folder?)")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        return None, [Problem(path, int(found.group(1)) if found else 1, f"TOML error: {exc}")]
    try:
        manifest = ThemeManifest(**data)
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            key = ".".join(str(part) for part in item["loc"])
            if item["type"] == "extra_forbidden":
                message = "unknown key"
            else:
                message = item["msg"]
                if "input" in item and item["type"] != "missing":
                    message += f" (got {item['input']!r})"
            problems.append(Problem(path, toml_key_line(text, item["loc"]), f"{key}: {message}"))
        return None, problems
    if not version_matches(manifest.shequ, __version__):
        message = f"shequ: the theme needs shequ {manifest.shequ}, this is {__version__}"
        return None, [Problem(path, toml_key_line(text, ["shequ"]), message)]
    problems = []
    for index, sheet in enumerate(manifest.stylesheets):
        if safe_join(folder / "static", sheet) is None or not (folder / "static" / sheet).is_file():
            line = toml_key_line(text, ["stylesheets"])
            problems.append(
                Problem(path, line, f"stylesheets.{index}: no such file static/{sheet}")
            )
    if problems:
        return None, problems
    try:
        chain = chain_for(Theme(manifest.name, folder.resolve(), manifest))
    except ConfigError as exc:
        key = _config_key(str(exc))
        message = str(exc).split(f"{MANIFEST}: ", 1)[-1]
        return None, [Problem(path, toml_key_line(text, key.split(".")), message)]
    return chain, []


def translated_messages(chain: ThemeChain, language: str) -> set[str]:
    """Message ids with a non-empty, non-fuzzy translation anywhere in the chain."""
    found: set[str] = set()
    for theme in chain.themes:
        path = i18n.catalog_path(theme, language)
        if not path.is_file():
            continue
        try:
            catalog = i18n.read_catalog(path, language)
        except PoFileError:
            continue  # reported by check_catalogs for the theme that owns it
        for message in catalog:
            if message.id and _is_translated(message):
                found.add(message.id[0] if isinstance(message.id, tuple) else message.id)
    return found


def _is_translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)


def check_catalogs(theme: Theme, shown: Path) -> list[Problem]:
    """Every entry of the theme's own catalogs is translated, and each catalog parses."""
    problems = []
    for language in i18n.theme_languages(theme):
        path = i18n.catalog_path(theme, language)
        where = shown / path.relative_to(theme.folder)
        try:
            catalog = i18n.read_catalog(path, language)
        except PoFileError as exc:
            problems.append(Problem(where, exc.lineno, f"cannot parse: {exc}"))
            continue
        for message in catalog:
            if message.id and not _is_translated(message):
                state = "is fuzzy" if message.fuzzy else "has an empty msgstr"
                msgid = message.id[0] if isinstance(message.id, tuple) else message.id
                problems.append(Problem(where, message.lineno, f"{msgid!r} {state}"))
    return problems


def template_messages(path: Path) -> list[tuple[int, str]]:
    """(line, msgid) of every gettext call and ``{% trans %}`` block in a template."""
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    found = []
    with path.open("rb") as handle:
        for line, _function, message, _comments in babel_extract(
            handle, GETTEXT_FUNCTIONS, [], options
        ):
            strings = message if isinstance(message, tuple) else (message,)
            msgid = next((s for s in strings if isinstance(s, str)), None)
            if msgid:
                found.append((line, msgid))
    return found


def _constant_args(ast: nodes.Template, function: str) -> Iterable[tuple[int, str | None]]:
    """(line, first argument or None if not a string literal) of each call to ``function``."""
    for call in ast.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == function:
            arg = call.args[0] if call.args else None
            value = arg.value if isinstance(arg, nodes.Const) else None
            yield call.lineno, value if isinstance(value, str) else None


def _referenced_templates(ast: nodes.Template) -> Iterable[tuple[int, str]]:
    for node in ast.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        if isinstance(node, nodes.Include) and node.ignore_missing:
            continue
        target = node.template
        if isinstance(target, nodes.Const) and isinstance(target.value, str):
            yield node.lineno, target.value


def check_template(
    env, chain: ThemeChain, path: Path, name: str, shown: Path, translated: dict[str, set[str]]
) -> list[Problem]:
    problems = []
    source = path.read_text(encoding="utf-8")
    try:
        ast = env.parse(source, name, str(path))
        env.compile(source, name, str(path))
    except TemplateSyntaxError as exc:
        return [Problem(shown, exc.lineno, exc.message or "syntax error")]
    for line, target in _referenced_templates(ast):
        try:
            env.loader.get_source(env, target)
        except TemplateNotFound:
            problems.append(
                Problem(shown, line, f"template {target!r} is in no theme of the chain")
            )
    for line, slot in _constant_args(ast, "slot"):
        if slot is None:
            problems.append(Problem(shown, line, "slot() takes a string literal slot name"))
        elif slot not in SLOTS:
            problems.append(
                Problem(shown, line, f"unknown slot {slot!r} (see `shequ theme slots`)")
            )
    assets = AssetResolver(chain)
    for line, asset in _constant_args(ast, "asset_url"):
        if asset is not None and assets.locate(asset) is None:
            problems.append(Problem(shown, line, f"asset {asset!r} is in no theme's static/"))
    for line, msgid in template_messages(path):
        for language in REQUIRED_LANGUAGES:
            if msgid not in translated[language]:
                problems.append(
                    Problem(shown, line, f"{msgid!r} has no {language} translation in the chain")
                )
    return problems


def check_theme(folder: Path, plugin_dirs: Sequence[Path] = ()) -> list[Problem]:
    """Every problem of the theme in ``folder``, in file order; empty when all is well."""
    chain, problems = check_manifest(folder)
    if chain is None:
        return problems
    theme = chain.primary
    problems += check_catalogs(theme, folder)
    env = build_environment(chain, plugin_dirs)
    translated = {lang: translated_messages(chain, lang) for lang in REQUIRED_LANGUAGES}
    if theme.templates_dir.is_dir():
        for path in sorted(p for p in theme.templates_dir.rglob("*") if p.is_file()):
            name = path.relative_to(theme.templates_dir).as_posix()
            shown = folder / "templates" / name
            problems += check_template(env, chain, path, name, shown, translated)
    return problems
