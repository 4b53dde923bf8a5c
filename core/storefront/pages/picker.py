"""The SKU picker of a product page, built to work without JavaScript.

Each spec attribute (颜色, 尺码) is a radio group; the buyer's choice of one value per group
names exactly one SKU, which the server finds again when the form is posted. The variants
list under it shows every combination's price and stock, so nothing needs a script to be
known; ``enhance.js`` only keeps the shown price in step with the radios.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shequ.core.catalog.schemas import ProductDetail, SkuView
from shequ.core.storefront.pages.forms import plain_int


@dataclass(frozen=True)
class SpecChoice:
    value: str
    checked: bool
    # Some SKU with this value has stock (the others may still be picked and refused).
    available: bool


@dataclass(frozen=True)
class SpecGroup:
    field: str
    name: str
    choices: tuple[SpecChoice, ...]


@dataclass(frozen=True)
class Variant:
    sku_id: int
    label: str
    values: tuple[str, ...]
    price: int
    compare_at_price: int | None
    currency: str
    stock: int
    selected: bool


@dataclass(frozen=True)
class SkuPicker:
    groups: tuple[SpecGroup, ...]
    variants: tuple[Variant, ...]
    selected: Variant | None

    @property
    def in_stock(self) -> bool:
        return any(variant.stock > 0 for variant in self.variants)


def spec_field(index: int) -> str:
    return f"spec_{index}"


def _values(product: ProductDetail, sku: SkuView) -> tuple[str, ...]:
    return tuple(sku.specs.get(attribute.name, "") for attribute in product.spec_attributes)


def default_sku(product: ProductDetail, wanted: int | None = None) -> SkuView | None:
    """``wanted`` if it is one of the product's SKUs, else the first in stock, else the first."""
    for sku in product.skus:
        if sku.id == wanted:
            return sku
    in_stock = [sku for sku in product.skus if sku.stock > 0]
    return (in_stock or product.skus or [None])[0]


def build_picker(product: ProductDetail, selected_id: int | None = None) -> SkuPicker:
    chosen = default_sku(product, selected_id)
    chosen_values = _values(product, chosen) if chosen else ()
    groups = []
    for index, attribute in enumerate(product.spec_attributes):
        stocked = {sku.specs.get(attribute.name) for sku in product.skus if sku.stock > 0}
        choices = tuple(
            SpecChoice(
                value,
                checked=index < len(chosen_values) and chosen_values[index] == value,
                available=value in stocked,
            )
            for value in attribute.values
        )
        groups.append(SpecGroup(spec_field(index), attribute.name, choices))
    variants = tuple(
        Variant(
            sku_id=sku.id,
            label=" / ".join(_values(product, sku)),
            values=_values(product, sku),
            price=sku.price,
            compare_at_price=sku.compare_at_price,
            currency=sku.currency,
            stock=sku.stock,
            selected=chosen is not None and sku.id == chosen.id,
        )
        for sku in product.skus
    )
    selected = next((variant for variant in variants if variant.selected), None)
    return SkuPicker(tuple(groups), variants, selected)


def chosen_sku(product: ProductDetail, form: Mapping[str, Any]) -> SkuView | None:
    """The SKU a posted form names: one value per spec group, else a ``sku_id`` field.

    The radios win over ``sku_id``: they are what the buyer saw checked. ``None`` when the
    combination does not exist (or the SKU is not this product's).
    """
    attributes = product.spec_attributes
    if attributes and all(isinstance(form.get(spec_field(i)), str) for i in range(len(attributes))):
        wanted = tuple(form[spec_field(i)] for i in range(len(attributes)))
        return next((sku for sku in product.skus if _values(product, sku) == wanted), None)
    if form.get("sku_id") is not None:
        wanted = plain_int(form.get("sku_id"))
        return next((sku for sku in product.skus if sku.id == wanted), None)
    if not attributes and len(product.skus) == 1:
        return product.skus[0]
    return None
