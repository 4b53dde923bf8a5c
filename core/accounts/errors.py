"""Account errors carry a code, a message for the user and the offending field.

The service raises them; each class carries the status the API answers with.
"""

from __future__ import annotations

from shequ.core.errors import ShequError


class AccountError(ShequError):
    code = "account_error"


class InvalidInput(AccountError):
    status = 422
    code = "invalid"


class DuplicateIdentity(AccountError):
    status = 409
    code = "duplicate"


class NotFound(AccountError):
    status = 404
    code = "not_found"
