"""Security headers: a strict Content-Security-Policy on HTML, nosniff and a referrer policy
on everything (error responses included)."""

from __future__ import annotations

from aiohttp import web

# No inline scripts or styles anywhere: theme colours arrive as a generated stylesheet.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
REFERRER_POLICY = "strict-origin-when-cross-origin"


def add_security_headers(response: web.StreamResponse) -> None:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if response.content_type == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)


@web.middleware
async def security_headers(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        add_security_headers(exc)
        raise
    add_security_headers(response)
    return response
