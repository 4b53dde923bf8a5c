"""JSON API errors: ``{"error": {"code", "message", "field"}}`` with the right status."""

from __future__ import annotations

import json

from aiohttp import web


class ApiError(web.HTTPException):
    """Raise from a handler to answer with a JSON error body."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        self.status_code = status
        super().__init__(
            text=json.dumps(
                {"error": {"code": code, "message": message, "field": field}}, ensure_ascii=False
            ),
            content_type="application/json",
        )
        self.code = code
        self.message = message
        self.field = field


def error_response(status: int, code: str, message: str, field: str | None = None) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message, "field": field}},
        status=status,
        dumps=lambda v: json.dumps(v, ensure_ascii=False),
    )
