"""Account errors carry a code, a message for the user and the offending field.

The service raises them without knowing about HTTP; the API maps each class to a status.
"""

from __future__ import annotations


class AccountError(Exception):
    code = "account_error"

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class InvalidInput(AccountError):
    code = "invalid"


class DuplicateIdentity(AccountError):
    code = "duplicate"


class NotFound(AccountError):
    code = "not_found"
