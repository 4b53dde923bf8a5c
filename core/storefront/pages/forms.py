"""Reading storefront form posts: strict numbers, bounded text, safe redirect targets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from aiohttp import web

_DIGITS = re.compile(r"^[0-9]{1,9}$")
_YUAN = re.compile(r"^[0-9]{1,8}(\.[0-9]{1,2})?$")


def text(form: Mapping[str, Any], name: str, max_length: int = 255) -> str:
    """A stripped text field ('' when missing or not text), cut to ``max_length``."""
    value = form.get(name)
    return value.strip()[:max_length] if isinstance(value, str) else ""


def plain_int(value: Any) -> int | None:
    """A number of 1 to 9 ASCII digits (ids are 32-bit), else ``None``; ``"１２"`` is not."""
    return int(value) if isinstance(value, str) and _DIGITS.match(value) else None


def positive_int(form: Mapping[str, Any], name: str) -> int | None:
    """A whole number >= 1 written in plain digits, else ``None``."""
    value = plain_int(text(form, name, 16))
    return value if value is not None and value >= 1 else None


def yuan_to_fen(value: str) -> int | None:
    """``"12.3"`` -> ``1230``; anything but a plain amount with at most 2 decimals -> None."""
    value = value.strip()
    if not _YUAN.match(value):
        return None
    try:
        return int(Decimal(value) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None


def safe_next(value: Any, default: str = "/") -> str:
    """A path on this site to go to after signing in; never another host."""
    if (
        not isinstance(value, str)
        or not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(ch) < 32 for ch in value)
        or len(value) > 500
    ):
        return default
    return value


def see_other(location: str) -> web.HTTPSeeOther:
    """The redirect after a POST (303: the browser follows with a GET)."""
    return web.HTTPSeeOther(location)


def login_redirect(request: web.Request, back_to: str | None = None) -> web.HTTPSeeOther:
    """To the sign-in page, coming back to ``back_to`` (this page for a GET) afterwards."""
    target = safe_next(back_to or (request.path_qs if request.method == "GET" else "/"))
    return see_other(f"/login?next={quote(target, safe='/')}")
