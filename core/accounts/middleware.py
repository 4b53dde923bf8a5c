"""Who is asking: ``request["customer"]`` from a bearer token (sessions are added here too)."""

from __future__ import annotations

from aiohttp import web

from shequ.core.accounts.tokens import customer_for_token


@web.middleware
async def authenticate(request: web.Request, handler):
    request["customer"] = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        request["customer"] = await customer_for_token(header[7:].strip())
        request["auth"] = "bearer" if request["customer"] is not None else None
    return await handler(request)
