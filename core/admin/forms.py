"""Reading admin form fields and query strings, with errors that name the field."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from shequ.core.admin.rendering import CHINA_TIME

T = TypeVar("T")
PER_PAGE = 20
MAX_PAGE = 10_000
MAX_INT = 2**31 - 1


class FormError(ValueError):
    """Bad input in a form: shown on the page, with a 4xx status; nothing is written."""

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def text(
    form: Mapping[str, Any], name: str, *, max_length: int = 255, required: bool = False
) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        raise FormError(f"{name}: expected text", name)
    value = value.strip()
    if required and not value:
        raise FormError(f"{name}: required", name)
    if len(value) > max_length:
        raise FormError(f"{name}: at most {max_length} characters", name)
    return value


def integer(
    form: Mapping[str, Any],
    name: str,
    *,
    default: int | None = None,
    low: int = 0,
    high: int = MAX_INT,
) -> int | None:
    raw = text(form, name, max_length=12)
    if not raw:
        return default
    if not raw.lstrip("-").isdigit():
        raise FormError(f"{name}: enter a whole number", name)
    value = int(raw)
    if not low <= value <= high:
        raise FormError(f"{name}: must be between {low} and {high}", name)
    return value


def checkbox(form: Mapping[str, Any], name: str) -> bool:
    return name in form


def day(query: Mapping[str, Any], name: str) -> dt.date | None:
    raw = text(query, name, max_length=10)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FormError(f"{name}: use a date like 2024-05-01", name, status=400) from None


def day_start(day_: dt.date) -> dt.datetime:
    """Midnight of a Beijing-time day, as an aware datetime."""
    return dt.datetime.combine(day_, dt.time(), tzinfo=CHINA_TIME)


def page_number(query: Mapping[str, Any]) -> int:
    raw = query.get("page", "1")
    if not isinstance(raw, str) or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        return 1
    return int(raw)


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    total: int
    per_page: int
    params: dict[str, str]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    def url(self, number: int) -> str:
        return "?" + urlencode({**self.params, "page": str(number)})


async def paginate(query: Any, request_query: Mapping[str, Any], params: dict[str, str]) -> Page:
    """One page of a tortoise queryset (ordered by the caller)."""
    number = page_number(request_query)
    total = await query.count()
    items = await query.offset((number - 1) * PER_PAGE).limit(PER_PAGE)
    return Page(items, number, total, PER_PAGE, {k: v for k, v in params.items() if v})
