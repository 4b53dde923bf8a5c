"""One-time messages for the next storefront page (POST, redirect, GET).

Messages are translated when they are queued, in the language the buyer is reading, so the
session holds finished text and a veto reason from a plugin is shown exactly as written.
"""

from __future__ import annotations

from aiohttp import web

from shequ.core.web.session import load_session, loaded_session

FLASH_KEY = "storefront_flash"
OK = "ok"
ERROR = "error"
# A tab that never renders a page must not grow the session cookie without bound.
MAX_WAITING = 5
MAX_LENGTH = 300


async def flash(request: web.Request, text: str, level: str = OK) -> None:
    session = await load_session(request)
    waiting = [*session.get(FLASH_KEY, []), [level, text[:MAX_LENGTH]]]
    session[FLASH_KEY] = waiting[-MAX_WAITING:]


def take_flashes(request: web.Request) -> list[tuple[str, str]]:
    """The waiting messages as ``(level, text)``, removed from the session (shown once)."""
    try:
        session = loaded_session(request)
    except RuntimeError:  # a bearer-token request has no session
        return []
    if FLASH_KEY not in session:
        return []  # reading must not mark the session changed (no Set-Cookie)
    waiting = session.pop(FLASH_KEY) or []
    return [(level, text) for level, text in waiting]
