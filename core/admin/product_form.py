"""The product form: spec attributes and one row per SKU, read from and written to HTML.

Without JavaScript the form has a fixed number of attribute slots and SKU rows (the
existing ones plus a few blank ones). A blank row is ignored; "按规格生成" (expand) fills the
rows with every combination of the attribute values, keeping rows that already match.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shequ.core.admin.forms import FormError, checkbox, integer, text
from shequ.core.admin.money import parse_yuan, yuan
from shequ.core.catalog.inputs import MAX_SKUS
from shequ.core.catalog.models import Product, Sku

ATTRIBUTE_SLOTS = 3
MAX_ATTRIBUTES = 5
BLANK_ROWS = 3
_VALUE_SEPARATORS = re.compile(r"[,，、;；\n]")


@dataclass
class SkuRow:
    code: str = ""
    specs: list[str] = field(default_factory=list)  # one per attribute slot
    price: str = ""
    compare_at: str = ""
    stock: str = "0"
    active: bool = True
    current_stock: int | None = None  # an existing SKU's stock (edited in the stock form)

    def is_blank(self) -> bool:
        return not (self.code or self.price or self.compare_at or any(self.specs))


@dataclass
class ProductForm:
    title: str = ""
    subtitle: str = ""
    description: str = ""
    category_id: str = ""
    featured: bool = False
    sort: str = "0"
    attributes: list[tuple[str, str]] = field(default_factory=list)  # (name, "红, 蓝")
    rows: list[SkuRow] = field(default_factory=list)

    def padded(self) -> ProductForm:
        """With empty attribute slots and blank SKU rows to fill in."""
        slots = min(MAX_ATTRIBUTES, max(ATTRIBUTE_SLOTS, len(self.attributes) + 1))
        self.attributes += [("", "")] * (slots - len(self.attributes))
        for row in self.rows:
            row.specs += [""] * (slots - len(row.specs))
        self.rows += [SkuRow(specs=[""] * slots) for _ in range(BLANK_ROWS)]
        return self


def split_values(raw: str) -> list[str]:
    return [value.strip() for value in _VALUE_SEPARATORS.split(raw) if value.strip()]


def from_product(product: Product, skus: list[Sku]) -> ProductForm:
    attributes = [
        (attribute["name"], ", ".join(attribute["values"])) for attribute in product.spec_attributes
    ]
    names = [name for name, _ in attributes]
    rows = [
        SkuRow(
            code=sku.code,
            specs=[sku.specs.get(name, "") for name in names],
            price=yuan(sku.price),
            compare_at=yuan(sku.compare_at_price),
            stock=str(sku.stock),
            active=sku.active,
            current_stock=sku.stock,
        )
        for sku in skus
    ]
    return ProductForm(
        title=product.title,
        subtitle=product.subtitle,
        description=product.description_html,
        category_id=str(product.category_id or ""),
        featured=product.featured,
        sort=str(product.sort),
        attributes=attributes,
        rows=rows,
    ).padded()


def read_form(form: Mapping[str, Any]) -> ProductForm:
    """What was submitted, as typed (for re-display); nothing is validated yet."""
    slots = integer(form, "attribute_slots", default=ATTRIBUTE_SLOTS, low=0, high=MAX_ATTRIBUTES)
    count = integer(form, "sku_rows", default=0, low=0, high=MAX_SKUS + BLANK_ROWS)
    attributes = [
        (
            text(form, f"attr-{j}-name", max_length=32),
            text(form, f"attr-{j}-values", max_length=2000),
        )
        for j in range(slots)
    ]
    rows = [
        SkuRow(
            code=text(form, f"sku-{i}-code", max_length=64),
            specs=[text(form, f"sku-{i}-spec-{j}", max_length=32) for j in range(slots)],
            price=text(form, f"sku-{i}-price", max_length=20),
            compare_at=text(form, f"sku-{i}-compare", max_length=20),
            stock=text(form, f"sku-{i}-stock", max_length=12) or "0",
            active=checkbox(form, f"sku-{i}-active"),
        )
        for i in range(count)
    ]
    return ProductForm(
        title=text(form, "title", max_length=120),
        subtitle=text(form, "subtitle", max_length=200),
        description=text(form, "description", max_length=100_000),
        category_id=text(form, "category_id", max_length=20),
        featured=checkbox(form, "featured"),
        sort=text(form, "sort", max_length=12) or "0",
        attributes=attributes,
        rows=rows,
    )


def expand(state: ProductForm) -> ProductForm:
    """Rows for every combination of the attribute values, keeping matching rows."""
    used = [(j, split_values(values)) for j, (name, values) in enumerate(state.attributes) if name]
    if not used or any(not values for _, values in used):
        raise FormError(
            "Give every spec attribute a name and at least one value first.", "attributes"
        )
    combinations = list(itertools.product(*(values for _, values in used)))
    if len(combinations) > MAX_SKUS:
        raise FormError(f"{len(combinations)} combinations; at most {MAX_SKUS} SKUs", "attributes")
    slots = len(state.attributes)
    kept = {tuple(row.specs[j] for j, _ in used): row for row in state.rows if not row.is_blank()}
    template = next((row for row in state.rows if not row.is_blank()), SkuRow())
    rows = []
    for combination in combinations:
        row = kept.get(combination)
        if row is None:
            specs = [""] * slots
            for (j, _), value in zip(used, combination, strict=True):
                specs[j] = value
            row = SkuRow(specs=specs, price=template.price, compare_at=template.compare_at)
        rows.append(row)
    state.rows = rows
    return state


def to_input(state: ProductForm) -> dict[str, Any]:
    """The catalog service's input (``ProductInput`` fields). Raises :class:`FormError` or
    :class:`~shequ.core.admin.money.MoneyError` naming the field."""
    attributes = []
    for j, (name, values) in enumerate(state.attributes):
        if not name:
            if values:
                raise FormError(f"spec_attributes.{j}.name: name the attribute", f"attr-{j}-name")
            continue
        attributes.append((j, {"name": name, "values": split_values(values)}))
    skus = []
    for i, row in enumerate(state.rows):
        if row.is_blank():
            continue
        where = f"skus.{len(skus)}"
        if not row.code:
            raise FormError(f"{where}.code: every SKU row needs a code", f"sku-{i}-code")
        if not row.price:
            raise FormError(f"{where}.price: enter a price", f"sku-{i}-price")
        stock = row.stock.strip()
        if not stock.isdigit():
            raise FormError(f"{where}.stock: enter a whole number of 0 or more", f"sku-{i}-stock")
        skus.append(
            {
                "code": row.code,
                "specs": {attribute["name"]: row.specs[j] for j, attribute in attributes},
                "price": parse_yuan(row.price, f"{where}.price"),
                "compare_at_price": (
                    parse_yuan(row.compare_at, f"{where}.compare_at_price")
                    if row.compare_at
                    else None
                ),
                "stock": int(stock),
                "active": row.active,
            }
        )
    if not skus:
        raise FormError("skus: add at least one SKU row (code and price)", "skus")
    category = state.category_id.strip()
    if category and (not category.isdigit() or len(category) > 18):
        raise FormError("category_id: choose a category", "category_id")
    sort = state.sort.strip()
    if not sort.lstrip("-").isdigit():
        raise FormError("sort: enter a whole number", "sort")
    return {
        "title": state.title,
        "subtitle": state.subtitle,
        "description": state.description,
        "category_id": int(category) if category else None,
        "spec_attributes": [attribute for _, attribute in attributes],
        "skus": skus,
        "featured": state.featured,
        "sort": int(sort),
    }
