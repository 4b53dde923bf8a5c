"""Where uploaded media lives. ``LocalStorage`` writes under ``settings.media.path``; another
backend (object storage) only has to implement :class:`Storage`."""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import os
import re
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from shequ.core.config.settings import Settings
    from shequ.core.runtime import Runtime

STATE_KEY = "catalog.storage"

# Preferred extensions; mimetypes' first guess for some types is odd (".jpe").
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
}
# Keys are ours: "ab/<32 hex>.ext". Anything else (e.g. "../x") is refused.
KEY_PATTERN = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}\.[a-z0-9]{1,8}$")


@runtime_checkable
class Storage(Protocol):
    async def save(self, data: bytes, filename: str, content_type: str) -> str:
        """Store ``data``; return the key to keep in the database."""
        ...

    def url(self, key: str) -> str:
        """The public URL of a stored key."""
        ...

    async def delete(self, key: str) -> None:
        """Remove a stored key; a missing one is not an error."""
        ...


def _extension(filename: str, content_type: str) -> str:
    ext = EXTENSIONS.get(content_type) or mimetypes.guess_extension(content_type or "") or ""
    if not ext:
        ext = PurePosixPath(filename).suffix.lower()
    ext = ext.lower()
    return ext if re.fullmatch(r"\.[a-z0-9]{1,8}", ext) else ".bin"


def content_key(data: bytes, filename: str, content_type: str) -> str:
    """Content-addressed: the same bytes always get the same key (uploads deduplicate)."""
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest[:32]}{_extension(filename, content_type)}"


class LocalStorage:
    """Files in a folder, served by the app under ``url_prefix``."""

    def __init__(self, root: Path, url_prefix: str):
        self.root = Path(root)
        self.url_prefix = "/" + url_prefix.strip("/") + "/"

    def path(self, key: str) -> Path:
        if not KEY_PATTERN.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key

    async def save(self, data: bytes, filename: str, content_type: str) -> str:
        key = content_key(data, filename, content_type)
        await asyncio.to_thread(self._write, self.path(key), data)
        return key

    def url(self, key: str) -> str:
        self.path(key)  # validates
        return self.url_prefix + key

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path(key).unlink, missing_ok=True)

    @staticmethod
    def _write(target: Path, data: bytes) -> None:
        if target.exists():
            return  # same key, same bytes
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def media_dir(settings: Settings, *, create: bool = False) -> Path:
    """The media folder: ``settings.media.path`` relative to the config's folder."""
    folder = Path(settings.base_dir) / settings.media.path
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def storage_for(runtime: Runtime) -> Storage:
    """The runtime's storage, built once (a plugin may put its own under ``STATE_KEY``)."""
    storage = runtime.state.get(STATE_KEY)
    if storage is None:
        settings = runtime.settings
        storage = LocalStorage(media_dir(settings), settings.media.url_prefix)
        runtime.state[STATE_KEY] = storage
    return storage
