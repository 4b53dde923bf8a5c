"""Plain-text rules for what buyers and sellers write (review bodies, replies, reasons).

Text is stored as written (trimmed, newlines normalised) and escaped wherever it is shown;
it is never HTML. Control characters other than newline and tab are refused, since they
only serve to hide or garble what readers see.
"""

from __future__ import annotations

import re

from shequ.core.reputation.errors import InvalidReview

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: object, *, field: str, max_length: int) -> str:
    """Trimmed text of 1..``max_length`` characters, or :class:`InvalidReview` naming ``field``."""
    if not isinstance(value, str):
        raise InvalidReview("must be text", field=field)
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InvalidReview("must not be empty", field=field)
    if len(text) > max_length:
        raise InvalidReview(f"must be at most {max_length} characters", field=field)
    if _CONTROL.search(text):
        raise InvalidReview("must not contain control characters", field=field)
    return text


def clean_rating(value: object) -> int:
    """A whole number of stars, 1 to 5."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidReview("rating must be a whole number from 1 to 5", field="rating")
    return value
