"""Base conventions for every model: an id, ``created_at``, ``updated_at``, default ordering."""

from tortoise import fields
from tortoise.models import Model


class TimestampedModel(Model):
    id = fields.BigIntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True
        # A stable default order keeps listings (and tests) deterministic.
        ordering = ["id"]
