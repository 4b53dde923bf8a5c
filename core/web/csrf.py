"""Cross-site request forgery protection.

A browser attaches the session cookie to every request to our host, including ones a
hostile page triggers; SameSite=Lax stops most of them, but not top-level POST navigations
from every browser (WeChat's in-app browser is an old Chromium at times), so unsafe requests
must prove they come from our own pages:

- **Pages and forms** (not under ``/api/``): every POST/PUT/PATCH/DELETE carries a
  ``csrf_token`` form field or an ``X-CSRF-Token`` header. The token is ``nonce.HMAC(secret,
  nonce)`` where ``secret`` is random per session and lives only inside the encrypted session
  cookie; a hostile page can neither read nor compute it. A fresh nonce per render keeps the
  token different on every page (no BREACH-style leak through compressed responses).
- **The JSON API** with cookie (or no) authentication: unsafe requests must send
  ``Content-Type: application/json`` or a valid ``X-CSRF-Token``. A cross-site HTML form can
  only send ``application/x-www-form-urlencoded``, ``multipart/form-data`` or ``text/plain``;
  anything else, and any custom header, forces a CORS preflight, which we never approve.
  Login and registration are covered too (no login-CSRF into an attacker's account).
- **Bearer tokens** are exempt: a browser never attaches an ``Authorization`` header on its
  own, so a request carrying one was written by its sender, and the cookie is then not used
  to identify anyone.
- In every case an ``Origin`` header naming another site is refused outright, as a second
  line in case a future CORS setting turned out too permissive.

Callbacks verified by their own signatures (payment notifications, WeChat messages) opt out
with :func:`csrf_exempt`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.web.errors import error_response
from shequ.core.web.session import loaded_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SESSION_SECRET = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_exempt(handler):
    """Mark a route handler whose requests are authenticated otherwise (signed callbacks)."""
    handler.csrf_exempt = True
    return handler


def _sign(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def rotate_csrf_secret(session) -> None:
    """A new secret (at sign-in and sign-out), so tokens seen before are worthless after."""
    session[SESSION_SECRET] = secrets.token_urlsafe(32)


def csrf_token(request: web.Request) -> str:
    """A token for a form or a script on our pages (``{{ csrf_token() }}`` in templates)."""
    session = loaded_session(request)
    if not session.get(SESSION_SECRET):
        rotate_csrf_secret(session)
    nonce = secrets.token_urlsafe(12)
    return f"{nonce}.{_sign(session[SESSION_SECRET], nonce)}"


def valid_csrf_token(request: web.Request, token: str | None) -> bool:
    if not token or len(token) > 200 or "." not in token:
        return False
    secret = loaded_session(request).get(SESSION_SECRET)
    if not secret:
        return False
    nonce, signature = token.split(".", 1)
    return hmac.compare_digest(signature, _sign(secret, nonce))


def _allowed_origins(request: web.Request) -> set[str]:
    base = urlsplit(request.app[RUNTIME].settings.platform.base_url)
    return {f"{base.scheme}://{base.netloc}", f"{request.scheme}://{request.host}"}


async def _form_token(request: web.Request) -> str | None:
    if request.content_type not in _FORM_TYPES:
        return None
    form = await request.post()  # cached by aiohttp: the handler reads it again for free
    value = form.get(FORM_FIELD)
    return value if isinstance(value, str) else None


def _refuse(request: web.Request, code: str, message: str) -> web.Response:
    if request.path.startswith("/api/"):
        return error_response(403, code, message)
    return web.Response(status=403, text=message)


@web.middleware
async def csrf_protect(request: web.Request, handler):
    match = request.match_info
    if (
        request.method in SAFE_METHODS
        or match.http_exception is not None  # let the 404/405 through as it is
        or getattr(match.handler, "csrf_exempt", False)
    ):
        return await handler(request)
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return await handler(request)
    origin = request.headers.get("Origin")
    if origin is not None and origin not in _allowed_origins(request):
        return _refuse(request, "csrf_origin", "Cross-site request refused.")
    token = request.headers.get(HEADER)
    if request.path.startswith("/api/"):
        if request.content_type == "application/json" or valid_csrf_token(request, token):
            return await handler(request)
        return _refuse(
            request,
            "csrf_failed",
            "Send JSON (Content-Type: application/json) or an X-CSRF-Token header.",
        )
    if valid_csrf_token(request, token or await _form_token(request)):
        return await handler(request)
    return _refuse(request, "csrf_failed", "The form has expired; reload the page and try again.")
