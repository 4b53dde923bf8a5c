"""Theme static files under content-hashed URLs, cached forever by browsers.

``asset_url("css/site.css")`` finds the file in the theme chain (child first) and answers
``/static/t/<theme>/css/site.<hash8>.css``, where ``<theme>`` is the theme that provides
the file and ``<hash8>`` the start of its SHA-256. A changed file gets a new URL, so responses
can be ``immutable``; an unhashed or stale URL is a 404.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from shequ.core.storefront.themes import Theme, ThemeChain, safe_join

STATIC_PREFIX = "/static/t/"
IMMUTABLE = "public, max-age=31536000, immutable"
_HASHED = re.compile(r"^(?P<stem>.+?)\.(?P<digest>[0-9a-f]{8})(?P<suffix>\.[A-Za-z0-9]+)?$")


def hashed_name(relative: str, digest: str) -> str:
    """``css/site.css`` + digest -> ``css/site.<digest>.css``."""
    folder, slash, filename = relative.rpartition("/")
    stem, dot, suffix = filename.rpartition(".")
    name = f"{stem}.{digest}.{suffix}" if dot and stem else f"{filename}.{digest}"
    return f"{folder}{slash}{name}"


def unhashed_name(hashed: str) -> tuple[str, str] | None:
    """``css/site.<digest>.css`` -> (``css/site.css``, digest), or ``None`` if not hashed."""
    folder, slash, filename = hashed.rpartition("/")
    match = _HASHED.match(filename)
    if match is None:
        return None
    return f"{folder}{slash}{match['stem']}{match['suffix'] or ''}", match["digest"]


class AssetResolver:
    """Maps asset paths to hashed URLs and back for one theme chain.

    Digests are computed once per file; with ``watch`` (``serve --dev``) a file whose size or
    modification time changed is hashed again.
    """

    def __init__(self, chain: ThemeChain, *, watch: bool = False):
        self.chain = chain
        self.watch = watch
        self._digests: dict[Path, tuple[tuple[int, int], str]] = {}

    def locate(self, relative: str) -> tuple[Theme, Path] | None:
        """The first theme of the chain holding ``static/<relative>``, and the file."""
        for theme in self.chain.themes:
            path = safe_join(theme.static_dir, relative)
            if path is not None and path.is_file():
                return theme, path
        return None

    def digest(self, path: Path) -> str:
        cached = self._digests.get(path)
        if cached is not None and not self.watch:
            return cached[1]
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        value = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
        self._digests[path] = (stamp, value)
        return value

    def url(self, relative: str) -> str:
        found = self.locate(relative)
        if found is None:
            names = ", ".join(t.name for t in self.chain.themes)
            raise LookupError(f"asset {relative!r} is in no theme of the chain ({names})")
        theme, path = found
        return f"{STATIC_PREFIX}{theme.name}/{hashed_name(relative, self.digest(path))}"

    def file_for(self, theme_name: str, hashed: str) -> Path | None:
        """The file a hashed URL names, if its digest is current; else ``None`` (a 404)."""
        theme = self.chain.get(theme_name)
        parsed = unhashed_name(hashed)
        if theme is None or parsed is None:
            return None
        relative, digest = parsed
        path = safe_join(theme.static_dir, relative)
        if path is None or not path.is_file() or self.digest(path) != digest:
            return None
        return path

    def warm(self) -> None:
        """Hash every static file now, so no request waits on a first read."""
        for theme in self.chain.themes:
            if theme.static_dir.is_dir():
                for path in theme.static_dir.rglob("*"):
                    if path.is_file():
                        self.digest(path.resolve())
