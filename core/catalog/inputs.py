"""What a seller submits for a product (the admin and tests build these).

Field rules live here; rules that span fields (SKU specs against the product's spec
attributes, duplicate combinations) are checked by :func:`check_variants`, which names the
exact offending field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from shequ.core.catalog.errors import CatalogError

# Integer columns are 32-bit; larger numbers would fail in the database, not here.
MAX_INT = 2**31 - 1
MAX_SKUS = 500

SpecValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
# Money is integer fen: a float (9.9 meaning yuan?) is refused, not rounded.
Fen = Annotated[int, Field(strict=True, ge=0, le=MAX_INT)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SpecAttribute(_Input):
    """One attribute SKUs vary by, with its values in display order: 颜色 = 红, 蓝."""

    name: str = Field(min_length=1, max_length=32)
    values: list[SpecValue] = Field(min_length=1, max_length=50)

    @field_validator("values")
    @classmethod
    def distinct_values(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("values must be distinct")
        return values


class SkuInput(_Input):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
    # One value per spec attribute: {"颜色": "红", "尺码": "M"}; {} when there are none.
    specs: dict[str, str] = Field(default_factory=dict)
    price: Fen
    compare_at_price: Fen | None = None
    # The absolute stock level the seller sets.
    stock: int = Field(default=0, strict=True, ge=0, le=MAX_INT)
    active: bool = True

    @field_validator("compare_at_price")
    @classmethod
    def not_below_price(cls, value: int | None, info) -> int | None:
        price = info.data.get("price")
        if value is not None and price is not None and value < price:
            raise ValueError("compare_at_price must be at least the price")
        return value


class ProductInput(_Input):
    title: str = Field(min_length=1, max_length=120)
    subtitle: str = Field(default="", max_length=200)
    # Seller HTML; stored only after sanitising.
    description: str = Field(default="", max_length=100_000)
    category_id: int | None = Field(default=None, ge=1)
    spec_attributes: list[SpecAttribute] = Field(default_factory=list, max_length=5)
    skus: list[SkuInput] = Field(min_length=1, max_length=MAX_SKUS)
    featured: bool = False
    sort: int = Field(default=0, ge=-MAX_INT, le=MAX_INT)


def check_variants(data: ProductInput) -> None:
    """Every SKU names exactly the product's spec attributes, with values from their lists;
    no two SKUs share a combination or a code. Raises :class:`CatalogError`."""
    names = [attribute.name for attribute in data.spec_attributes]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise CatalogError(
                f"spec attribute {name!r} is listed twice", f"spec_attributes.{index}.name"
            )
    allowed = {attribute.name: set(attribute.values) for attribute in data.spec_attributes}
    combinations: dict[tuple[str, ...], str] = {}
    codes: set[str] = set()
    for index, sku in enumerate(data.skus):
        where = f"skus.{index}"
        if sku.code in codes:
            raise CatalogError(f"SKU code {sku.code!r} is used twice", f"{where}.code")
        codes.add(sku.code)
        missing = [name for name in names if name not in sku.specs]
        if missing:
            raise CatalogError(f"SKU {sku.code} has no value for {missing[0]!r}", f"{where}.specs")
        unknown = [key for key in sku.specs if key not in allowed]
        if unknown:
            raise CatalogError(
                f"SKU {sku.code} names {unknown[0]!r}, which is not a spec attribute",
                f"{where}.specs",
            )
        for name in names:
            if sku.specs[name] not in allowed[name]:
                raise CatalogError(
                    f"SKU {sku.code}: {sku.specs[name]!r} is not a value of {name!r}",
                    f"{where}.specs",
                )
        combination = tuple(sku.specs[name] for name in names)
        if combination in combinations:
            raise CatalogError(
                f"SKUs {combinations[combination]} and {sku.code} have the same specs",
                f"{where}.specs",
            )
        combinations[combination] = sku.code
