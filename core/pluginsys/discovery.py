"""Where plugins come from: built-ins, the ``shequ`` entry-point group, config paths.

Discovery lists names without importing anything; only enabled plugins are imported.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import pkgutil
from dataclasses import dataclass
from types import ModuleType

ENTRY_POINT_GROUP = "shequ"


@dataclass(frozen=True)
class PluginSource:
    name: str
    origin: str  # "built-in", "entry point (dist)", "config path"
    target: str  # dotted module path
    version: str

    def load(self) -> ModuleType:
        return importlib.import_module(self.target)


def builtin_sources(version: str) -> dict[str, PluginSource]:
    import shequ.plugins

    return {
        info.name: PluginSource(info.name, "built-in", f"shequ.plugins.{info.name}", version)
        for info in pkgutil.iter_modules(shequ.plugins.__path__)
        if not info.name.startswith("_")
    }


def entry_point_sources() -> dict[str, PluginSource]:
    sources = {}
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist
        version = dist.version if dist is not None else "?"
        origin = f"entry point ({dist.name if dist is not None else '?'})"
        sources[ep.name] = PluginSource(ep.name, origin, ep.value.split(":")[0], version)
    return sources


def config_sources(paths: dict[str, str]) -> dict[str, PluginSource]:
    return {
        name: PluginSource(name, "config path", target, "local") for name, target in paths.items()
    }


def available(version: str, paths: dict[str, str]) -> dict[str, PluginSource]:
    """All plugins that could be enabled, by name. A name offered twice is refused."""
    found: dict[str, PluginSource] = {}
    for group in (builtin_sources(version), entry_point_sources(), config_sources(paths)):
        for name, source in group.items():
            if name in found and found[name].target != source.target:
                raise NameConflict(name, found[name], source)
            found[name] = source
    return found


class NameConflict(Exception):
    def __init__(self, name: str, first: PluginSource, second: PluginSource):
        super().__init__(
            f"plugin name {name!r} is offered by {first.origin} {first.target} "
            f"and by {second.origin} {second.target}"
        )
