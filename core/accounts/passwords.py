"""Password hashing with argon2id (argon2-cffi's recommended parameters).

Hashing is deliberately slow, so it runs in a worker thread rather than on the event loop.
A hash made with older parameters is upgraded at the next successful sign-in.
"""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from shequ.core.accounts.errors import InvalidInput

MIN_LENGTH = 8
# Long enough for any passphrase; bounded so a megabyte "password" cannot be used as a DoS.
MAX_LENGTH = 256

hasher = PasswordHasher()
# Verified against when the identity is unknown, so a miss costs as much as a wrong password.
_dummy: dict[str, str] = {}


def check_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"The password needs at least {MIN_LENGTH} characters.", field)
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"The password may have at most {MAX_LENGTH} characters.", field)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hasher.hash, password)


def _verify(encoded: str, password: str) -> bool:
    try:
        return hasher.verify(encoded, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def verify_password(encoded: str, password: str) -> bool:
    if not encoded:
        return False
    return await asyncio.to_thread(_verify, encoded, password)


def needs_rehash(encoded: str) -> bool:
    try:
        return hasher.check_needs_rehash(encoded)
    except InvalidHashError:
        return True


async def burn_time(password: str) -> None:
    """Spend what a real verification would, for an unknown identity."""
    key = f"{hasher.time_cost}:{hasher.memory_cost}:{hasher.parallelism}"
    if key not in _dummy:
        _dummy[key] = await hash_password(secrets.token_urlsafe(16))
    await verify_password(_dummy[key], password)
