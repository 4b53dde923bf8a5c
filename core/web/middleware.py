"""Middlewares: bind the runtime's database and a request id; JSON errors under /api."""

from __future__ import annotations

import logging
import uuid

from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.logs import request_id
from shequ.core.web.errors import error_response

log = logging.getLogger(__name__)


@web.middleware
async def request_context(request: web.Request, handler):
    """Every request runs with its app's database bound and a request id for its log lines."""
    rid = request.headers.get("X-Request-Id", "")[:64] or uuid.uuid4().hex[:16]
    request_id.set(rid)
    request.app[RUNTIME].db.activate()
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # 404s and redirects carry the id too
        exc.headers["X-Request-Id"] = rid
        raise
    response.headers["X-Request-Id"] = rid
    return response


@web.middleware
async def api_errors(request: web.Request, handler):
    """Under ``/api/`` every error, expected or not, is JSON with a code and a message."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.content_type == "application/json" or exc.status < 400:
            raise
        code = exc.reason.lower().replace(" ", "_")
        return error_response(exc.status, code, exc.reason)
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side.")
