"""Catalog fixtures."""

from __future__ import annotations

import pytest

from shequ.core.shops.models import Shop


@pytest.fixture
async def main_shop(runtime) -> Shop:
    return await Shop.get(slug="main")
