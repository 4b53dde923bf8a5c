"""Fixtures shared by the commerce tests."""

from tests.core.orders.commerce import commerce_app  # noqa: F401
