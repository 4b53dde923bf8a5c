"""A short-lived in-process cache of what every visitor of a product page sees alike.

A popular product (a flash sale, a link shared in a Moments post) is asked for many times a
second; for ``TTL`` seconds the page reuses the product, its shop, reviews and share card
instead of running the same nine queries again. Nothing about the visitor is cached (the
customer, CSRF tokens and flash messages are added at render time), and nothing is decided
from it: adding to the cart and checkout read stock and prices from the database.

A change (price, stock, a review, unpublishing) shows on the page within ``TTL`` seconds.
Each process keeps its own entries; several ``shequ serve`` processes agree within ``TTL``.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

STATE_KEY = "storefront.product_pages"
TTL = 2.0
MAX_ENTRIES = 1024


class TtlCache:
    """At most ``max_entries`` values, each kept for ``ttl`` seconds (least recent first out)."""

    def __init__(
        self,
        ttl: float = TTL,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.ttl = ttl
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any | None:
        found = self._entries.get(key)
        if found is None:
            return None
        stored_at, value = found
        if self.clock() - stored_at >= self.ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        if self.ttl <= 0:
            return
        self._entries[key] = (self.clock(), value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def product_pages(runtime: Runtime) -> TtlCache:
    """This runtime's product-page cache (created on first use)."""
    cache = runtime.state.get(STATE_KEY)
    if cache is None:
        cache = runtime.state[STATE_KEY] = TtlCache()
    return cache
