"""What the public sees of reviews and reputation (API responses and OpenAPI schemas)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from shequ.core.reputation.errors import InvalidReview
from shequ.core.reputation.models import BODY_MAX
from shequ.core.reputation.text import clean_text


class SellerReplyView(BaseModel):
    """The seller's answer, shown apart from the review and marked as the seller's."""

    author: Literal["seller"] = "seller"
    label: str = "Seller's reply"
    text: str
    replied_at: dt.datetime | None


class ReviewView(BaseModel):
    id: int
    shop_id: int
    product_id: int | None
    item_title: str | None = Field(description="the reviewed order line's title, if any")
    rating: int
    body: str
    reviewer: str = Field(description="the buyer's nickname, masked")
    verified_purchase: bool = Field(default=True, description="always: only buyers review")
    created_at: dt.datetime
    seller_reply: SellerReplyView | None


class ReviewPage(BaseModel):
    items: list[ReviewView]
    total: int
    page: int
    per_page: int
    pages: int


class ReviewListQuery(BaseModel):
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=50)


class ReviewInput(BaseModel):
    order_id: int = Field(strict=True, ge=1)
    order_line_id: int | None = Field(default=None, strict=True, ge=1)
    rating: int = Field(strict=True, ge=1, le=5, description="stars, 1 to 5")
    body: str = Field(description=f"plain text, 1 to {BODY_MAX} characters")

    @field_validator("body", mode="before")
    @classmethod
    def _plain_text(cls, value: object) -> str:
        try:
            return clean_text(value, field="body", max_length=BODY_MAX)
        except InvalidReview as exc:
            raise PydanticCustomError("plain_text", exc.message) from None


class ScoreComponentView(BaseModel):
    code: str
    label: str
    plugin: str = Field(description='"core" or the plugin that contributed it')
    value: float = Field(description="0 to 5")
    weight: float
    share: float = Field(description="weight / sum of weights")
    contribution: float = Field(description="value x share; contributions sum to the score")
    explanation: str


class ReputationView(BaseModel):
    shop_id: int
    score: float
    scale: float
    review_count: int
    hidden_review_count: int
    components: list[ScoreComponentView]
    rules: str


class RulesView(BaseModel):
    scale: float
    rules: str
