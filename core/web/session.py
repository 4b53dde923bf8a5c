"""Sessions: an encrypted cookie by default (nothing to run, nothing to store).

The cookie ``SHEQU_SESSION`` holds a small JSON object encrypted and authenticated with
Fernet, under a key derived from ``platform.secret_key``; a cookie older than its max age
is refused by Fernet's timestamp as well as expired by the browser. :func:`session_storage`
is the one place that picks the storage, so a Redis store can be chosen by config later
without touching callers.
"""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import SESSION_KEY, AbstractStorage, Session, get_session, session_middleware
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shequ.core.config.errors import ConfigError
from shequ.core.config.settings import Settings

COOKIE_NAME = "SHEQU_SESSION"
MAX_AGE = 30 * 24 * 3600
MIN_SECRET_LENGTH = 16
GUEST_KEY = "guest_key"


def derive_key(secret_key: str, purpose: bytes) -> bytes:
    """A 32-byte key for one purpose, so no two uses share key material with the secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"shequ:" + purpose).derive(
        secret_key.encode()
    )


def check_secret_key(settings: Settings) -> str:
    secret = settings.platform.secret_key
    if len(secret) < MIN_SECRET_LENGTH:
        state = "is empty" if not secret else f"has {len(secret)} characters"
        raise ConfigError(
            f"platform.secret_key: {state}; sessions need at least {MIN_SECRET_LENGTH} "
            "random characters (`shequ init` writes one)"
        )
    return secret


def session_storage(settings: Settings) -> AbstractStorage:
    """The session store for these settings (encrypted cookies; the seam for Redis)."""
    fernet = Fernet(base64.urlsafe_b64encode(derive_key(check_secret_key(settings), b"session")))
    return EncryptedCookieStorage(
        fernet,
        cookie_name=COOKIE_NAME,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=urlsplit(settings.platform.base_url).scheme == "https",
    )


def sessions(settings: Settings):
    """The middleware that loads and saves sessions (install before authentication)."""
    return session_middleware(session_storage(settings))


async def load_session(request: web.Request) -> Session:
    return await get_session(request)


def loaded_session(request: web.Request) -> Session:
    """The request's session, for synchronous callers (templates). The authentication
    middleware loads it for every request that has no bearer token."""
    session = request.get(SESSION_KEY)
    if session is None:
        raise RuntimeError("the session is not loaded (await load_session(request) first)")
    return session


async def guest_key(request: web.Request) -> str:
    """A random key naming this browser's guest cart, created on first use."""
    session = await get_session(request)
    key = session.get(GUEST_KEY)
    if not key:
        key = secrets.token_urlsafe(24)
        session[GUEST_KEY] = key
    return key
