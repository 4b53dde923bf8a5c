"""Base conventions for every model: an id, ``created_at``, ``updated_at``, default ordering."""

import copy
from typing import Any

from tortoise import fields
from tortoise.fields.base import Field
from tortoise.models import Model, ModelMeta


class ConventionMeta(ModelMeta):
    """Gives every concrete model the conventions its abstract bases declare.

    tortoise reads ``Meta`` from the class being defined only, so a base class's default
    ordering (and the shop-scoped manager) would silently be lost on subclasses. It also
    hands the *same* field objects of an abstract base to every subclass, so the ``shop``
    foreign key of one shop-scoped model would point at whichever subclass was built last
    (joins through it then fail); each class gets its own copies here.
    """

    @classmethod
    def _search_for_field_attributes(mcs, base: type, attrs: dict) -> None:
        super()._search_for_field_attributes(base, attrs)
        for key, value in attrs.items():
            if isinstance(value, Field):
                attrs[key] = copy.copy(value)

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]):
        meta = attrs.get("Meta")
        if meta is None:
            meta = attrs["Meta"] = type("Meta", (), {})
        if not getattr(meta, "abstract", False):
            for base in bases:
                inherited = getattr(base, "_conventions", {})
                for key, make in inherited.items():
                    if not hasattr(meta, key):
                        setattr(meta, key, make())
        return super().__new__(mcs, name, bases, attrs)


class TimestampedModel(Model, metaclass=ConventionMeta):
    id = fields.BigIntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True
        # A stable default order keeps listings (and tests) deterministic.
        ordering = ["id"]

    # Meta defaults applied to concrete subclasses that do not set them (see ConventionMeta).
    _conventions: dict[str, Any] = {"ordering": lambda: ["id"]}
