"""``shequ theme new``: a theme folder that extends another and passes ``theme check``."""

from __future__ import annotations

import re
from pathlib import Path

from shequ.core import __version__
from shequ.core.config.errors import ConfigError
from shequ.core.storefront.i18n import CATALOG_FILE
from shequ.core.storefront.themes import DEFAULT_THEME, NAME_PATTERN, builtin_theme

THEME_TOML = """\
name = "{name}"
version = "0.1.0"
extends = "{parent}"
# The Shequ versions this theme is known to work with.
shequ = "{compatible}"
description = ""
# Linked on every page after the parent themes' stylesheets, so these rules win.
stylesheets = ["css/theme.css"]

# Settings the deployment ([theme.options] in shequ.toml) or a shop may change. Redefining a
# parent's key changes its default; types: color, string, url, bool.
[settings.brand_color]
type = "color"
default = "#1677ff"
label = "Brand colour"
"""

PRODUCT_HTML = """\
{{# Replaces one block of the parent's product page; everything else is inherited, so
   upgrades of the parent theme reach this theme too. #}}
{{% extends "{parent}:product.html" %}}
{{% block product_title %}}
{{{{ super() }}}}
{{% endblock %}}
"""

THEME_CSS = """\
/* {name}: rules here come after the parent themes' stylesheets. Colours set in theme
   settings are CSS custom properties, e.g. var(--brand-color). */
.site-header {{
  background: var(--brand-color);
}}
"""

CATALOG = """\
# {name}: {language} messages for strings this theme adds; the parents' catalogs still apply.
msgid ""
msgstr ""
"Project-Id-Version: {name} 0.1.0\\n"
"Language: {language}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""


def compatible_spec(version: str = __version__) -> str:
    """``0.1.0`` -> ``>=0.1,<1``: this minor release up to the next major one."""
    major, minor = (int(part) for part in re.findall(r"\d+", version)[:2])
    return f">={major}.{minor},<{major + 1}"


def scaffold_theme(name: str, parent: str | None, parent_dir: Path) -> Path:
    """Write ``parent_dir/name/``; raises ConfigError for a bad name or an unknown parent."""
    if not re.match(NAME_PATTERN, name):
        raise ConfigError(f"name: {name!r} must be lower case letters, digits, - or _")
    if parent is not None:
        builtin_theme(parent, "--extends")
    folder = parent_dir / name
    if folder.exists():
        raise FileExistsError(folder)
    base = parent or DEFAULT_THEME
    files = {
        "theme.toml": THEME_TOML.format(name=name, parent=base, compatible=compatible_spec()),
        "templates/product.html": PRODUCT_HTML.format(parent=base),
        "static/css/theme.css": THEME_CSS.format(name=name),
    }
    if parent is None:
        files["theme.toml"] = files["theme.toml"].replace(f'extends = "{base}"\n', "")
    for language in ("zh_CN", "en"):
        catalog = (Path("locales") / language / CATALOG_FILE).as_posix()
        files[catalog] = CATALOG.format(name=name, language=language)
    for relative, text in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder
