"""What a distributor or seller must fix: each error has an HTTP status, a code and a field."""

from __future__ import annotations

from shequ.core.errors import ShequError


class DistributionError(ShequError):
    status = 422
    code = "invalid"


class NotEnabled(DistributionError):
    status = 404
    code = "distribution_not_enabled"


class NotFound(DistributionError):
    status = 404
    code = "not_found"


class Forbidden(DistributionError):
    status = 403
    code = "forbidden"


class Conflict(DistributionError):
    status = 409
    code = "conflict"


class Invalid(DistributionError):
    status = 422
    code = "invalid"
