"""One-time messages carried to the next page in the session (POST-redirect-GET)."""

from __future__ import annotations

from aiohttp import web

from shequ.core.web.session import load_session, loaded_session

FLASH_KEY = "admin_flash"
OK = "ok"
ERROR = "error"
# The session is a cookie (about 4 KB, and JSON escapes each Chinese character to 6 bytes):
# keep few, short messages.
MAX_WAITING = 3
MAX_LENGTH = 150


async def flash(request: web.Request, message: str, level: str = OK) -> None:
    session = await load_session(request)
    waiting = [*session.get(FLASH_KEY, []), [level, message[:MAX_LENGTH]]]
    session[FLASH_KEY] = waiting[-MAX_WAITING:]


def take_flashes(request: web.Request) -> list[tuple[str, str]]:
    """The waiting messages, removed from the session (shown once)."""
    try:
        session = loaded_session(request)
    except RuntimeError:  # a bearer request has no session
        return []
    waiting = session.pop(FLASH_KEY, None) or []
    return [(level, message) for level, message in waiting]


def see_other(location: str) -> web.HTTPSeeOther:
    """The redirect after a successful POST (303: the browser follows with a GET)."""
    return web.HTTPSeeOther(location)
