"""The distribution settings (``[plugins.distribution]``), validated with the compliance limits.

The built-in plugin exposes this model as its ``Settings``; a shop's overrides are validated by
the same model, so no shop can configure its way past the limits in :mod:`.rules`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from shequ.core.distribution import rules

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

PLUGIN = "distribution"


def _as_number(value: Decimal) -> int | float:
    # Shown (JSON, `shequ plugins`) as the number it was written as; computed as a Decimal.
    return int(value) if value == value.to_integral_value() else float(value)


Rate = Annotated[
    Decimal,
    Field(ge=0, le=100, decimal_places=2),
    PlainSerializer(_as_number, when_used="json"),
]


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("distribution_rule", message)


class DistributionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Commission depth: 1 by default, 2 at most.
    levels: int = Field(default=1, ge=1)
    # No line's commissions together exceed this share of what was paid for the line.
    cap_percent: Rate = Decimal(30)
    # Percent of the line's paid amount, one per level.
    rates: list[Rate] = Field(default_factory=lambda: [Decimal(10)], validate_default=True)
    # Overrides by product id and by category id ("42" = [12, 3]); a product's wins.
    product_rates: dict[str, list[Rate]] = Field(default_factory=dict)
    category_rates: dict[str, list[Rate]] = Field(default_factory=dict)
    # first: permanent; protected: a new link may rebind after protection_days; last: latest.
    binding: Literal["first", "protected", "last"] = "protected"
    protection_days: int = Field(default=30, ge=1, le=3650)
    # After-sales window: days after completion before a commission can be withdrawn.
    settle_after_days: int = Field(default=7, ge=0, le=365)
    enrollment: Literal["open", "approval", "invite"] = "open"
    # Commission on a distributor's own purchases.
    self_purchase: bool = False
    # In fen.
    withdraw_min: int = Field(default=100, ge=1)
    withdraw_daily_cap: int = Field(default=500_000, ge=1)

    # Declared only to be refused with the reason (see rules.FORBIDDEN_ENROLLMENT_KEYS).
    entry_fee: Any = Field(default=None, exclude=True)
    join_fee: Any = Field(default=None, exclude=True)
    enrollment_fee: Any = Field(default=None, exclude=True)
    membership_fee: Any = Field(default=None, exclude=True)
    deposit: Any = Field(default=None, exclude=True)
    require_purchase: Any = Field(default=None, exclude=True)
    min_purchase: Any = Field(default=None, exclude=True)
    purchase_requirement: Any = Field(default=None, exclude=True)

    @field_validator(*rules.FORBIDDEN_ENROLLMENT_KEYS, mode="before")
    @classmethod
    def no_fee(cls, value: Any) -> Any:
        raise _refuse(rules.NO_FEE)

    @field_validator("levels")
    @classmethod
    def at_most_two_levels(cls, value: int) -> int:
        if value > rules.MAX_LEVELS:
            raise _refuse(rules.DEPTH + f"; {value} levels refused")
        return value

    @field_validator("cap_percent", mode="before")
    @classmethod
    def cap_within_paid(cls, value: Any) -> Any:
        try:
            over = Decimal(str(value)) > rules.MAX_CAP_PERCENT
        except ArithmeticError:
            return value  # the type check reports it
        if over:
            raise _refuse(
                "commission cannot exceed 100% of what was paid for a line "
                f"(cap_percent {value} refused)"
            )
        return value

    @field_validator("rates")
    @classmethod
    def one_rate_per_level(cls, value: list[Decimal], info: ValidationInfo) -> list[Decimal]:
        _check_rates(value, info.data)
        return value

    @field_validator("product_rates", "category_rates")
    @classmethod
    def overrides_per_level(
        cls, value: dict[str, list[Decimal]], info: ValidationInfo
    ) -> dict[str, list[Decimal]]:
        for key, rates_ in value.items():
            if not key.isdigit():
                raise _refuse(f"keys are ids (digits), got {key!r}")
            _check_rates(rates_, info.data, key)
        return value

    @field_validator("withdraw_daily_cap")
    @classmethod
    def cap_allows_minimum(cls, value: int, info: ValidationInfo) -> int:
        minimum = info.data.get("withdraw_min")
        if minimum is not None and value < minimum:
            raise _refuse(f"must be at least withdraw_min ({minimum})")
        return value

    def rates_for(self, product_id: int, category_id: int | None) -> tuple[list[Decimal], str]:
        """The rates that apply to a product, and which rule chose them."""
        if str(product_id) in self.product_rates:
            return self.product_rates[str(product_id)], f"product {product_id}"
        if category_id is not None and str(category_id) in self.category_rates:
            return self.category_rates[str(category_id)], f"category {category_id}"
        return self.rates, "default"


def _check_rates(value: list[Decimal], data: dict[str, Any], key: str | None = None) -> None:
    where = f"{key}: " if key else ""
    levels, cap = data.get("levels"), data.get("cap_percent")
    if levels is not None and len(value) != levels:
        raise _refuse(f"{where}needs one rate per level ({levels}), got {len(value)}")
    if cap is not None and sum(value) > cap:
        raise _refuse(f"{where}rates add up to {sum(value)}%, above cap_percent {cap}%")


async def distribution_settings(runtime: Runtime, shop_id: int) -> DistributionSettings | None:
    """The shop's effective settings, or ``None`` when distribution is not enabled."""
    if PLUGIN not in runtime.plugins.plugins:
        return None
    settings = await runtime.plugin_settings.for_shop(PLUGIN, shop_id)
    assert isinstance(settings, DistributionSettings)
    return settings


def effective_levels(settings: DistributionSettings) -> int:
    """Depth actually paid: the setting, never past the legal limit (even if a model changed)."""
    return max(0, min(settings.levels, rules.MAX_LEVELS))
