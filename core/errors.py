"""The base of every error a service raises for the person using it.

Each carries the message shown to them, the input ``field`` at fault (if any), a stable
``code`` and the HTTP ``status`` the JSON API answers with. Domain areas subclass it
(``CommerceError``, ``ReviewError``, ...); the API turns any of them into
``{"error": {"code", "message", "field"}}`` without per-area mapping.
"""

from __future__ import annotations


class ShequError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
