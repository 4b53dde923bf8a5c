"""A shop's reputation score: published rules, a visible breakdown (电子商务法 art. 17, 39).

The score is the weighted average of its components, each on a 0..5 scale: three from the
core (below) and any that plugins add through ``shequ_reputation_components``, tagged with
the plugin. Weights are normalised, so each component's contribution is
``value * weight / sum(weights)`` and the contributions add up to the score.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from shequ.core.hooktypes import ScoreComponent
from shequ.core.jobs.outbox import utcnow
from shequ.core.orders.models import Order, OrderState
from shequ.core.reputation.models import Review, ReviewStatus
from shequ.core.shops.scope import shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

SCALE = 5.0
# The average rating is blended with PRIOR_REVIEWS imagined reviews of PRIOR_RATING stars, so
# a shop with two 5-star reviews does not outrank one with two hundred 4.8-star reviews.
PRIOR_RATING = 3.0
PRIOR_REVIEWS = 5
FULL_REVIEW_COUNT = 50  # this many visible reviews earn the full 5 points
FULFILMENT_DAYS = 90
RATING_WEIGHT = 3.0
REVIEW_COUNT_WEIGHT = 1.0
FULFILMENT_WEIGHT = 2.0
CORE = "core"

RULES = f"""\
How a shop's reputation score is computed (0 to {SCALE:g})

The score is the weighted average of the components below, each worth 0 to {SCALE:g} points.
Every component is shown with its value, its weight and how it was computed.

1. Average rating (weight {RATING_WEIGHT:g}): the stars of the shop's visible reviews,
   averaged together with {PRIOR_REVIEWS} imagined reviews of {PRIOR_RATING:g} stars:
   ({PRIOR_REVIEWS} x {PRIOR_RATING:g} + sum of stars) / ({PRIOR_REVIEWS} + number of reviews).
   A new shop starts at {PRIOR_RATING:g}; real reviews soon outweigh the imagined ones.
2. Number of reviews (weight {REVIEW_COUNT_WEIGHT:g}): {SCALE / FULL_REVIEW_COUNT:g} point per visible review,
   up to {SCALE:g} points at {FULL_REVIEW_COUNT} reviews.
3. Orders completed (weight {FULFILMENT_WEIGHT:g}): of the orders placed in the last {FULFILMENT_DAYS} days
   that have finished, the share completed rather than cancelled after payment or fully
   refunded, times {SCALE:g}. Orders never paid do not count. With no finished order in that
   period this component is shown but left out (weight 0).
4. Components added by the platform's plugins, each shown with the plugin that added it,
   its weight and its explanation.

Reviews come only from buyers of completed orders; a shop's owner and staff cannot review
their own shop. Reviews are never deleted. A platform operator or the shop's owner may hide a
review, giving a reason that is recorded; hidden reviews are not shown, and their number is
published with the score. A review the shop hid still counts in the score; only a review the
platform hid (e.g. a fake or abusive one) is left out. The seller may reply once; replies are shown apart
from the review and marked as the seller's.
"""


@dataclass(frozen=True)
class Reputation:
    """A shop's score with the components it is made of."""

    shop_id: int
    score: float
    components: tuple[ScoreComponent, ...]
    review_count: int
    hidden_review_count: int

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.components)

    def contribution(self, component: ScoreComponent) -> float:
        """Points this component adds to the score (contributions sum to ``score``)."""
        total = self.total_weight
        return component.value * component.weight / total if total else 0.0


async def shop_reputation(runtime: Runtime, shop_id: int) -> Reputation:
    """Compute the shop's score and its breakdown from the published rules."""
    with shop_scope(shop_id):
        count, stars = await _visible_ratings()
        hidden = await Review.filter(status=ReviewStatus.HIDDEN).count()
        completed, failed = await _finished_orders()
    components = [
        rating_component(count, stars),
        review_count_component(count),
        fulfilment_component(completed, failed),
    ]
    for tagged in await runtime.hooks.transform("shequ_reputation_components", shop_id=shop_id):
        components.extend(_plugin_components(tagged.plugin, tagged.value))
    return Reputation(
        shop_id=shop_id,
        score=weighted_score(components),
        components=tuple(components),
        review_count=count,
        hidden_review_count=hidden,
    )


def weighted_score(components: Iterable[ScoreComponent]) -> float:
    """The weighted average of the components' values (0 when every weight is 0)."""
    components = list(components)
    total_weight = sum(c.weight for c in components)
    if not total_weight:
        return 0.0
    return min(SCALE, max(0.0, sum(c.value * c.weight for c in components) / total_weight))


def rating_component(count: int, stars: int) -> ScoreComponent:
    value = (PRIOR_REVIEWS * PRIOR_RATING + stars) / (PRIOR_REVIEWS + count)
    average = f"averaging {stars / count:.2f} stars" if count else "so far"
    return ScoreComponent(
        code="rating",
        label="Average rating",
        value=value,
        weight=RATING_WEIGHT,
        explanation=(
            f"{count} visible review(s) {average}, together with {PRIOR_REVIEWS} imagined "
            f"review(s) of {PRIOR_RATING:g} stars: ({PRIOR_REVIEWS} x {PRIOR_RATING:g} + "
            f"{stars}) / ({PRIOR_REVIEWS} + {count}) = {value:.2f}."
        ),
        plugin=CORE,
    )


def review_count_component(count: int) -> ScoreComponent:
    value = SCALE * min(count, FULL_REVIEW_COUNT) / FULL_REVIEW_COUNT
    return ScoreComponent(
        code="review_count",
        label="Number of reviews",
        value=value,
        weight=REVIEW_COUNT_WEIGHT,
        explanation=(
            f"{count} visible review(s); {SCALE / FULL_REVIEW_COUNT:g} point each, "
            f"full {SCALE:g} points at {FULL_REVIEW_COUNT}: {value:.2f}."
        ),
        plugin=CORE,
    )


def fulfilment_component(completed: int, failed: int) -> ScoreComponent:
    finished = completed + failed
    if not finished:
        return ScoreComponent(
            code="fulfilment",
            label="Orders completed",
            value=0.0,
            weight=0.0,
            explanation=(
                f"No paid order placed in the last {FULFILMENT_DAYS} days has finished yet; "
                "not counted (weight 0)."
            ),
            plugin=CORE,
        )
    value = SCALE * completed / finished
    return ScoreComponent(
        code="fulfilment",
        label="Orders completed",
        value=value,
        weight=FULFILMENT_WEIGHT,
        explanation=(
            f"Of {finished} finished order(s) placed in the last {FULFILMENT_DAYS} days, "
            f"{completed} completed and {failed} cancelled after payment or refunded: "
            f"{SCALE:g} x {completed} / {finished} = {value:.2f}."
        ),
        plugin=CORE,
    )


async def _visible_ratings() -> tuple[int, int]:
    """Ratings that count: every review except those the platform hid."""
    row = (
        await Review.filter(hidden_by_platform=False)
        .annotate(n=Count("id"), stars=Sum("rating"))
        .order_by()
        .values("n", "stars")
    )
    return int(row[0]["n"] or 0), int(row[0]["stars"] or 0)


async def _finished_orders() -> tuple[int, int]:
    since = utcnow() - dt.timedelta(days=FULFILMENT_DAYS)
    recent = Order.filter(created_at__gte=since)
    completed = await recent.filter(state=OrderState.COMPLETED).count()
    # An unpaid order that lapses or that the buyer drops says nothing about the seller.
    failed = await recent.filter(
        Q(state=OrderState.REFUNDED) | Q(state=OrderState.CANCELLED, paid_at__isnull=False)
    ).count()
    return completed, failed


def _plugin_components(plugin: str, value: Any) -> list[ScoreComponent]:
    if isinstance(value, ScoreComponent):
        value = [value]
    if not isinstance(value, list | tuple):
        raise TypeError(f"{plugin}: shequ_reputation_components must return ScoreComponents")
    items: Iterable[Any] = value
    components = []
    for item in items:
        if not isinstance(item, ScoreComponent):
            raise TypeError(f"{plugin}: shequ_reputation_components must return ScoreComponents")
        if not (math.isfinite(item.value) and 0 <= item.value <= SCALE):
            raise ValueError(f"{plugin}: component {item.code!r} value must be 0..{SCALE:g}")
        if not (math.isfinite(item.weight) and item.weight >= 0):
            raise ValueError(f"{plugin}: component {item.code!r} weight must be >= 0")
        if not item.explanation.strip():
            raise ValueError(f"{plugin}: component {item.code!r} needs an explanation")
        components.append(replace(item, plugin=plugin))
    return components
