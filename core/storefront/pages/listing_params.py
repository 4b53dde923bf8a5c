"""Query-string choices of product listings: sort order and page, with safe fallbacks.

A listing is a page people share and bookmark, so an odd ``?sort=`` or ``?page=`` falls back
to the default instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from shequ.core.catalog.listing import SORTS
from shequ.core.storefront.pages.forms import plain_int

PER_PAGE = 20
MAX_PAGE = 1000
# The sort links a listing offers, in order (labels are translated in the template).
SORT_CHOICES = ("default", "sales", "newest", "price_asc", "price_desc")


@dataclass(frozen=True)
class ListingParams:
    sort: str
    page: int

    @classmethod
    def of(cls, query: Mapping[str, str]) -> ListingParams:
        sort = query.get("sort", "default")
        page = plain_int(query.get("page", "1")) or 1
        return cls(sort if sort in SORTS else "default", min(max(page, 1), MAX_PAGE))


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    current: bool


def listing_url(path: str, params: Mapping[str, object]) -> str:
    """``path`` with the non-default query parameters."""
    kept = {
        key: value
        for key, value in params.items()
        if value not in (None, "")
        and not (key == "sort" and value == "default")
        and not (key == "page" and value == 1)
    }
    return f"{path}?{urlencode(kept)}" if kept else path


@dataclass(frozen=True)
class SortLink:
    code: str
    url: str
    current: bool


def sort_links(path: str, base: Mapping[str, object], current: str) -> list[SortLink]:
    """One link per sort order; the template names each by its code."""
    return [
        SortLink(sort, listing_url(path, {**base, "sort": sort, "page": 1}), sort == current)
        for sort in SORT_CHOICES
    ]


def page_links(path: str, base: Mapping[str, object], page: int, pages: int) -> list[PageLink]:
    """Links to nearby pages (at most 5), for the pager under a listing."""
    if pages <= 1:
        return []
    first = max(1, min(page - 2, pages - 4))
    last = min(pages, first + 4)
    return [
        PageLink(n, listing_url(path, {**base, "page": n}), n == page)
        for n in range(first, last + 1)
    ]
