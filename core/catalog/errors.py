"""Errors raised by the catalog services (the API maps them to 4xx JSON)."""

from __future__ import annotations

from shequ.core.errors import ShequError


class CatalogError(ShequError, ValueError):
    """Bad seller input; ``field`` names the offending input when there is one."""

    status = 422
    code = "invalid"


class InvalidImage(CatalogError):
    """An upload that is not an accepted image (type, size or content)."""


class NotFound(LookupError):
    """A product, category or shop that does not exist in the scope asked for."""

    def __init__(self, what: str, ident: object):
        super().__init__(f"{what} {ident} not found")
        self.what = what
        self.ident = ident
