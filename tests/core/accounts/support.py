"""Helpers shared by the accounts and web tests."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher

from shequ.core.accounts import passwords

JSON = {"Content-Type": "application/json"}
PASSWORD = "correct horse battery"
# Cheap argon2 parameters keep the suite fast; the algorithm and code paths are the real ones.
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    monkeypatch.setattr(passwords, "hasher", CHEAP)


async def sign_up(client, value: str = "li@example.com", kind: str = "email", **extra: Any):
    body = {"kind": kind, "value": value, "password": PASSWORD, **extra}
    return await client.post("/api/v1/auth/register", json=body)


async def sign_in(client, identifier: str = "li@example.com", password: str = PASSWORD, **extra):
    body = {"identifier": identifier, "password": password, **extra}
    return await client.post("/api/v1/auth/login", json=body)


async def counts(runtime) -> dict[str, int]:
    """Row counts of every accounts table (to prove a refused request wrote nothing)."""
    from shequ.core.accounts.models import (
        Address,
        ApiToken,
        Customer,
        Identity,
        ShopFollow,
        StaffRole,
    )

    models = (Customer, Identity, Address, ShopFollow, ApiToken, StaffRole)
    with runtime.db.bound():
        return {m.__name__: await m.all().count() for m in models}
