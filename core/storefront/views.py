"""What templates see of platform objects: small frozen views with whitelisted fields.

Templates never get a model, the settings or the runtime, so no secret (``secret_key``,
database URLs, plugin credentials, password hashes) can be printed by a theme.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class PlatformView:
    name: str
    currency: str
    language: str
    mode: str


@dataclass(frozen=True)
class ShopView:
    id: int
    slug: str
    name: str
    notice: str
    logo_url: str
    status: str

    @classmethod
    def of(cls, shop: Any) -> ShopView:
        return cls(shop.id, shop.slug, shop.name, shop.notice, shop.logo_url, shop.status)


@dataclass(frozen=True)
class CustomerView:
    id: int
    nickname: str
    avatar_url: str

    @classmethod
    def of(cls, customer: Any) -> CustomerView:
        return cls(customer.id, customer.nickname, customer.avatar_url)


@dataclass(frozen=True)
class ThemeView:
    name: str
    # This shop's theme options (deployment's merged with the shop's own).
    options: MappingProxyType
    # Hashed URLs, the default theme's first.
    stylesheets: tuple[str, ...]
    # The URL of the stylesheet carrying the colour options.
    options_css: str


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool
