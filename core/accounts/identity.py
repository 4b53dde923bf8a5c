"""Identity normalisation: one spelling per e-mail address or mobile number.

Sign-in looks identities up by their normalised value, so ``Li@Example.com`` and
``li@example.com``, or ``138 1234 5678`` and ``+86 13812345678``, are the same account.
"""

from __future__ import annotations

import re

from shequ.core.accounts.errors import InvalidInput
from shequ.core.accounts.models import IdentityKind

# Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by a
# verification mail, not by a regex.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
# Mainland mobile numbers: 11 digits, 1 then 3-9; an optional +86 / 0086 / 86 country code.
_MOBILE = re.compile(r"^(?:\+86|0086|86)?(1[3-9]\d{9})$")
_SEPARATORS = re.compile(r"[\s\-()]")

PASSWORD_KINDS = (IdentityKind.EMAIL, IdentityKind.PHONE)


def normalize_email(value: str, field: str = "value") -> str:
    email = value.strip().lower()
    if len(email) > 191 or not _EMAIL.match(email):
        raise InvalidInput("Enter a valid e-mail address.", field)
    return email


def normalize_phone(value: str, field: str = "value") -> str:
    """``138-1234-5678`` / ``+86 13812345678`` -> ``+8613812345678``."""
    match = _MOBILE.match(_SEPARATORS.sub("", value.strip()))
    if match is None:
        raise InvalidInput("Enter an 11-digit mainland China mobile number.", field)
    return "+86" + match.group(1)


def normalize(kind: str, value: str, field: str = "value") -> str:
    if kind == IdentityKind.EMAIL:
        return normalize_email(value, field)
    if kind == IdentityKind.PHONE:
        return normalize_phone(value, field)
    raise InvalidInput("Sign up with an e-mail address or a mobile number.", "kind")


def parse_identifier(identifier: str, field: str = "identifier") -> tuple[str, str]:
    """What a person typed into the sign-in box -> ``(kind, normalised value)``."""
    kind = IdentityKind.EMAIL if "@" in identifier else IdentityKind.PHONE
    return kind, normalize(kind, identifier, field)
