"""Errors raised by the catalog services (the API maps them to 4xx JSON)."""

from __future__ import annotations


class CatalogError(ValueError):
    """Bad seller input; ``field`` names the offending input when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidImage(CatalogError):
    """An upload that is not an accepted image (type, size or content)."""


class NotFound(LookupError):
    """A product, category or shop that does not exist in the scope asked for."""

    def __init__(self, what: str, ident: object):
        super().__init__(f"{what} {ident} not found")
        self.what = what
        self.ident = ident
