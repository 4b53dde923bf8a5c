"""The theme model: ``theme.toml``, the chain of parent themes, and validated theme options.

A theme is a folder::

    theme.toml      name, version, extends, shequ (compatible versions), stylesheets, [settings]
    templates/      Jinja2 templates
    static/         files served with content-hashed URLs
    locales/        <lang>/LC_MESSAGES/messages.po

The configured theme is ``theme.path`` (relative to the config file) when set, else the
built-in theme called ``theme.name``. Its chain is the theme, then the themes it extends,
with ``default`` always last: whatever a theme does not provide falls back to the default.
"""

from __future__ import annotations

import hashlib
import logging
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from shequ.core import __version__
from shequ.core.config.errors import ConfigError, describe_validation_error
from shequ.core.config.settings import Settings

log = logging.getLogger(__name__)

MANIFEST = "theme.toml"
DEFAULT_THEME = "default"
# Theme names appear in URLs (/static/t/<name>/) and template prefixes ("<name>:page.html").
NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,63}$"
OptionType = Literal["color", "string", "url", "bool"]

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Same-origin paths or http(s) URLs; no quotes, spaces or parentheses, so a value can never
# break out of an HTML attribute or a CSS url().
_URL = re.compile(r"^(?:/(?!/)|https?://)[^\s\"'()<>\\]*$")
_MAX_STRING = 500


def check_option_value(kind: OptionType, value: Any) -> Any:
    """The value if it suits ``kind``; raises ``ValueError`` saying what it must be."""
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if not isinstance(value, str):
        raise ValueError("must be a string")
    if len(value) > _MAX_STRING:
        raise ValueError(f"must be at most {_MAX_STRING} characters")
    if kind == "color" and not _COLOR.match(value):
        raise ValueError("must be a colour like #e4393c")
    if kind == "url" and value and not _URL.match(value):
        raise ValueError("must be a path like /media/logo.png or an http(s) URL")
    return value


class OptionSpec(BaseModel):
    """One ``[settings.<key>]`` table: a setting the deployment or a shop may change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: OptionType
    default: str | bool
    label: str = Field(min_length=1)
    description: str = ""

    @field_validator("default")
    @classmethod
    def default_suits_type(cls, value: str | bool, info: ValidationInfo) -> str | bool:
        kind = info.data.get("type")
        return value if kind is None else check_option_value(kind, value)


class ThemeManifest(BaseModel):
    """``theme.toml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=NAME_PATTERN)
    version: str = Field(min_length=1)
    extends: str | None = None
    # The Shequ versions the theme works with, e.g. ">=0.1,<1".
    shequ: str
    description: str = ""
    # Files under static/ linked from every page, after the parents' own.
    stylesheets: list[str] = Field(default_factory=list)
    settings: dict[str, OptionSpec] = Field(default_factory=dict)

    @field_validator("shequ")
    @classmethod
    def valid_spec(cls, value: str) -> str:
        version_matches(value, __version__)  # raises ValueError on a malformed spec
        return value

    @field_validator("settings")
    @classmethod
    def identifier_keys(cls, value: dict[str, OptionSpec]) -> dict[str, OptionSpec]:
        for key in value:
            if not re.match(r"^[a-z][a-z0-9_]*$", key):
                raise ValueError(f"setting names are lower_case identifiers (got {key!r})")
        return value


_CLAUSE = re.compile(r"^(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+)*)$")


def _numbers(version: str) -> tuple[int, ...]:
    match = re.match(r"^\d+(?:\.\d+)*", version.strip())
    if match is None:
        raise ValueError(f"not a version: {version!r}")
    return tuple(int(part) for part in match.group(0).split("."))


def version_matches(spec: str, version: str) -> bool:
    """Does ``version`` satisfy ``spec`` (comma-separated clauses like ``>=0.1,<1``)?

    Only numeric release versions are compared: the small subset themes need, so the core
    does not depend on ``packaging``. A malformed spec raises ``ValueError``.
    """
    have = _numbers(version)
    clauses = [part.strip() for part in spec.split(",")]
    if not spec.strip() or not all(clauses):
        raise ValueError(f"expected clauses like '>=0.1,<1' (got {spec!r})")
    for clause in clauses:
        match = _CLAUSE.match(clause)
        if match is None:
            raise ValueError(f"expected clauses like '>=0.1,<1' (got {spec!r})")
        op, want = match.group(1), _numbers(match.group(2))
        width = max(len(have), len(want))
        a = have + (0,) * (width - len(have))
        b = want + (0,) * (width - len(want))
        ok = {
            ">=": a >= b,
            "<=": a <= b,
            "==": a == b,
            "!=": a != b,
            ">": a > b,
            "<": a < b,
        }[op]
        if not ok:
            return False
    return True


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path
    manifest: ThemeManifest

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    @property
    def templates_dir(self) -> Path:
        return self.folder / "templates"

    @property
    def static_dir(self) -> Path:
        return self.folder / "static"

    @property
    def locales_dir(self) -> Path:
        return self.folder / "locales"


def read_manifest(folder: Path) -> ThemeManifest:
    """Parse and validate ``folder/theme.toml``; errors name the file and the key."""
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (a theme folder needs a theme.toml)") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    try:
        return ThemeManifest(**data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe_validation_error(exc)}") from None


def load_theme(folder: Path) -> Theme:
    """Load one theme folder and check it against this Shequ (version, stylesheets)."""
    folder = folder.resolve()
    manifest = read_manifest(folder)
    path = folder / MANIFEST
    if not version_matches(manifest.shequ, __version__):
        raise ConfigError(
            f"{path}: shequ: the theme needs shequ {manifest.shequ}, this is {__version__}"
        )
    for index, sheet in enumerate(manifest.stylesheets):
        if not safe_join(folder / "static", sheet) or not (folder / "static" / sheet).is_file():
            raise ConfigError(f"{path}: stylesheets.{index}: no such file static/{sheet}")
    return Theme(manifest.name, folder, manifest)


def safe_join(root: Path, relative: str) -> Path | None:
    """``root/relative`` if it stays inside ``root``, else ``None``."""
    if not relative or relative.startswith(("/", "\\")) or "\\" in relative or "\0" in relative:
        return None
    if any(part in ("", ".", "..") for part in relative.split("/")):
        return None
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root.resolve()) else None


def builtin_themes_dir() -> Path:
    import shequ.themes

    return Path(shequ.themes.__file__).resolve().parent


def builtin_theme_names() -> list[str]:
    root = builtin_themes_dir()
    return sorted(p.name for p in root.iterdir() if (p / MANIFEST).is_file())


def builtin_theme(name: str, key: str = "extends", manifest: Path | None = None) -> Theme:
    """A theme shipped in ``shequ.themes``; an unknown name is a ConfigError naming ``key``."""
    where = f"{manifest}: " if manifest else ""
    if not re.match(NAME_PATTERN, name) or name not in builtin_theme_names():
        raise ConfigError(
            f"{where}{key}: unknown theme {name!r} "
            f"(built-in themes: {', '.join(builtin_theme_names())})"
        )
    theme = load_theme(builtin_themes_dir() / name)
    if theme.name != name:
        raise ConfigError(f"{theme.manifest_path}: name: must be {name!r}, like its folder")
    return theme


@dataclass(frozen=True)
class ThemeChain:
    """The configured theme and its ancestors, in lookup order; ``default`` is always last."""

    themes: tuple[Theme, ...]

    @property
    def primary(self) -> Theme:
        return self.themes[0]

    @property
    def default(self) -> Theme:
        return self.themes[-1]

    def get(self, name: str) -> Theme | None:
        return next((t for t in self.themes if t.name == name), None)

    def option_specs(self) -> dict[str, OptionSpec]:
        """Every theme setting; a child's definition of a key replaces its parent's."""
        specs: dict[str, OptionSpec] = {}
        for theme in reversed(self.themes):
            specs.update(theme.manifest.settings)
        return specs

    def stylesheets(self) -> list[tuple[Theme, str]]:
        """Stylesheets to link, the default theme's first so children can override them."""
        return [(t, sheet) for t in reversed(self.themes) for sheet in t.manifest.stylesheets]

    def options(self, values: Mapping[str, Any], prefix: str = "theme.options") -> dict[str, Any]:
        """Schema defaults with ``values`` merged over them; a bad key raises ConfigError."""
        specs = self.option_specs()
        merged = {key: spec.default for key, spec in specs.items()}
        problems = []
        for key, value in values.items():
            spec = specs.get(key)
            if spec is None:
                known = ", ".join(sorted(specs)) or "none"
                problems.append(f"{prefix}.{key}: unknown key (theme settings: {known})")
                continue
            try:
                merged[key] = check_option_value(spec.type, value)
            except ValueError as exc:
                problems.append(f"{prefix}.{key}: {exc} (got {value!r})")
        if problems:
            raise ConfigError("; ".join(problems))
        return merged

    def shop_options(self, base: Mapping[str, Any], shop_values: Mapping[str, Any]) -> dict:
        """A shop's options over the deployment's; invalid shop keys are logged and skipped.

        Shop values are edited in the admin, which validates them with :meth:`options`
        first; skipping here keeps a stale value from breaking every page of the shop.
        """
        specs = self.option_specs()
        merged = dict(base)
        for key, value in (shop_values or {}).items():
            spec = specs.get(key)
            try:
                if spec is None:
                    raise ValueError("unknown key")
                merged[key] = check_option_value(spec.type, value)
            except ValueError as exc:
                log.warning("shop theme option %s ignored: %s", key, exc)
        return merged

    def options_css(self, options: Mapping[str, Any]) -> str:
        """Colour settings as CSS custom properties (``brand_color`` -> ``--brand-color``).

        The CSP allows no inline styles, so colours reach the page as a stylesheet.
        """
        lines = [
            f"  --{key.replace('_', '-')}: {options[key]};"
            for key, spec in sorted(self.option_specs().items())
            if spec.type == "color" and key in options
        ]
        return ":root {\n" + "\n".join(lines) + "\n}\n"


def options_css_hash(css: str) -> str:
    return hashlib.sha256(css.encode()).hexdigest()[:8]


def chain_for(theme: Theme) -> ThemeChain:
    """Follow ``extends`` (built-in theme names) and put ``default`` last."""
    if theme.name == DEFAULT_THEME and theme.folder != builtin_themes_dir() / DEFAULT_THEME:
        raise ConfigError(f"{theme.manifest_path}: name: 'default' is the built-in theme's name")
    themes = [theme]
    current = theme
    while current.manifest.extends is not None:
        parent_name = current.manifest.extends
        if any(t.name == parent_name for t in themes):
            raise ConfigError(f"{current.manifest_path}: extends: {parent_name!r} makes a cycle")
        current = builtin_theme(parent_name, "extends", current.manifest_path)
        themes.append(current)
    without_default = [t for t in themes if t.name != DEFAULT_THEME]
    default = next((t for t in themes if t.name == DEFAULT_THEME), None)
    return ThemeChain((*without_default, default or builtin_theme(DEFAULT_THEME, "theme.name")))


def configured_chain(settings: Settings) -> ThemeChain:
    """The chain of the deployment's theme (``theme.path`` wins over ``theme.name``)."""
    if settings.theme.path:
        folder = (settings.base_dir / settings.theme.path).resolve()
        if not folder.is_dir():
            raise ConfigError(f"theme.path: no such folder: {folder}")
        theme = load_theme(folder)
    else:
        theme = builtin_theme(settings.theme.name, "theme.name")
    return chain_for(theme)
