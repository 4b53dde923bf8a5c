"""Reviews and their audit trail. Neither is ever deleted (电子商务法 art. 39).

Deleting is refused at three levels: ``Review.delete()`` and ``ReviewAudit.delete()`` raise,
their querysets refuse ``.delete()``, and the database refuses to drop a review that has audit
rows (every review has one from the moment it is published) or whose order, line or author
would cascade into it.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.queryset import QuerySet

from shequ.core.reputation.errors import RecordKept
from shequ.core.shops.scope import ShopScopedManager, ShopScopedModel

BODY_MAX = 1000
REPLY_MAX = 1000
REASON_MAX = 255


class ReviewStatus:
    VISIBLE = "visible"
    HIDDEN = "hidden"


class AuditAction:
    PUBLISHED = "published"
    HIDDEN = "hidden"
    UNHIDDEN = "unhidden"
    REPLIED = "replied"


class _KeptQuerySet(QuerySet):
    __slots__ = ()

    def delete(self):  # type: ignore[override]
        raise RecordKept(f"{self.model.__name__} rows are never deleted")


class _AppendOnlyQuerySet(_KeptQuerySet):
    __slots__ = ()

    def update(self, **kwargs: Any):  # type: ignore[override]
        raise RecordKept(f"{self.model.__name__} is append-only")


class _KeptManager(ShopScopedManager):
    """The shop-scoped manager, whose querysets cannot delete."""

    queryset_class: type[QuerySet] = _KeptQuerySet

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        # Same slots, only delete()/update() differ: re-classing keeps the scope filter intact.
        queryset.__class__ = self.queryset_class
        return queryset


class _AppendOnlyManager(_KeptManager):
    queryset_class = _AppendOnlyQuerySet


class Review(ShopScopedModel):
    """A buyer's review of one order line (or of the whole order when ``order_line`` is null)."""

    order: Any = fields.ForeignKeyField(
        "orders.Order", related_name="reviews", on_delete=fields.RESTRICT
    )
    order_line: Any = fields.ForeignKeyField(
        "orders.OrderLine", related_name="reviews", null=True, on_delete=fields.RESTRICT
    )
    product_id = fields.BigIntField(null=True, db_index=True)
    customer: Any = fields.ForeignKeyField(
        "accounts.Customer", related_name="reviews", on_delete=fields.RESTRICT
    )
    rating = fields.SmallIntField()
    body = fields.CharField(max_length=BODY_MAX)
    status = fields.CharField(max_length=16, default=ReviewStatus.VISIBLE, db_index=True)
    # Only the platform can take a rating out of the score: a seller may hide a review (e.g. it
    # shows a phone number) but its rating still counts, so hiding cannot polish a score.
    hidden_by_platform = fields.BooleanField(default=False)
    # The seller's answer: shown apart from the body and marked as the seller's.
    seller_reply = fields.CharField(max_length=REPLY_MAX, default="")
    seller_reply_at = fields.DatetimeField(null=True)
    # "line:<order_line_id>" or "order:<order_id>": one review each, enforced by the database
    # (a unique (order, order_line) pair would not be, since NULLs never collide).
    subject_key = fields.CharField(max_length=40, unique=True)

    order_id: int
    order_line_id: int | None
    customer_id: int

    class Meta:
        table = "review"
        ordering = ["id"]
        manager = _KeptManager()

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise RecordKept("reviews are never deleted; hide them with a reason instead")


class ReviewAudit(ShopScopedModel):
    """Every change of a review: who, when, what, why, from which status to which. Append-only."""

    review: Any = fields.ForeignKeyField(
        "reputation.Review", related_name="audit", on_delete=fields.RESTRICT
    )
    # The person acting (null for the platform itself) and the capacity they acted in:
    # "customer", "owner", "staff" or "operator".
    actor: Any = fields.ForeignKeyField(
        "accounts.Customer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    actor_role = fields.CharField(max_length=16)
    action = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=REASON_MAX, default="")
    from_status = fields.CharField(max_length=16, default="")
    to_status = fields.CharField(max_length=16)

    review_id: int
    actor_id: int | None

    class Meta:
        table = "review_audit"
        ordering = ["id"]
        manager = _AppendOnlyManager()

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if self._saved_in_db:
            raise RecordKept("review audit entries are never changed")
        await super().save(*args, **kwargs)

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise RecordKept("review audit entries are never deleted")
