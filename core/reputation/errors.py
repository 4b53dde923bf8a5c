"""Errors of the reputation services; each carries the HTTP status and code the API answers."""

from __future__ import annotations

from shequ.core.errors import ShequError


class RecordKept(RuntimeError):
    """Something tried to delete a review or change its audit trail (never allowed)."""


class ReviewError(ShequError):
    """A refused review action, with the message shown to the person who tried it."""

    code = "review_error"


class InvalidReview(ReviewError):
    """Bad input: rating out of range, empty or over-long text, missing reason."""

    status = 422
    code = "invalid"


class NotFound(ReviewError):
    """No such order, line, review or shop (also: an order that is not the customer's)."""

    status = 404
    code = "not_found"


class NotAllowed(ReviewError):
    """The person may not do this (the shop's own staff reviewing, a stranger hiding)."""

    status = 403
    code = "forbidden"


class Conflict(ReviewError):
    """The state forbids it: order not completed, already reviewed, already hidden."""

    status = 409
    code = "conflict"


class Vetoed(ReviewError):
    """A plugin's ``shequ_validate_review`` refused the review; ``plugin`` names it."""

    status = 422
    code = "review_refused"

    def __init__(self, message: str, plugin: str):
        super().__init__(message)
        self.plugin = plugin
