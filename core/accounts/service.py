"""Accounts: registration, sign-in, addresses, shop follows and staff roles.

Functions take a ``Customer`` (or its id) and raise :mod:`~shequ.core.accounts.errors`
exceptions for anything the user must fix; nothing is written when they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from shequ.core.accounts import passwords
from shequ.core.accounts.errors import DuplicateIdentity, InvalidInput, NotFound
from shequ.core.accounts.identity import (
    PASSWORD_KINDS,
    normalize,
    normalize_phone,
    parse_identifier,
)
from shequ.core.accounts.models import Address, Customer, Identity, ShopFollow, StaffRole
from shequ.core.shops.models import Shop

ACTIVE = "active"
MAX_ADDRESSES = 50
NICKNAME_MAX = 64


def _id(customer: Customer | int) -> int:
    return customer if isinstance(customer, int) else customer.id


def clean_nickname(nickname: str) -> str:
    nickname = nickname.strip()
    if len(nickname) > NICKNAME_MAX:
        raise InvalidInput(f"The nickname may have at most {NICKNAME_MAX} characters.", "nickname")
    return nickname


# -- registration and sign-in ---------------------------------------------------------------


async def register(kind: str, value: str, password: str, nickname: str = "") -> Customer:
    """A new customer with one e-mail or phone identity. A taken identity is refused."""
    if kind not in PASSWORD_KINDS:
        raise InvalidInput("Sign up with an e-mail address or a mobile number.", "kind")
    normalised = normalize(kind, value)
    passwords.check_strength(password)
    nickname = clean_nickname(nickname)
    taken = DuplicateIdentity("An account with this identity already exists.", "value")
    if await Identity.exists(kind=kind, value=normalised):
        raise taken
    password_hash = await passwords.hash_password(password)
    try:
        async with in_transaction():
            customer = await Customer.create(nickname=nickname)
            await Identity.create(
                customer=customer, kind=kind, value=normalised, password_hash=password_hash
            )
    except IntegrityError:  # a concurrent registration won the unique (kind, value)
        raise taken from None
    return customer


async def authenticate(identifier: str, password: str) -> Customer | None:
    """The active customer whose identity and password match, else ``None``.

    Unknown identities still cost one hash verification, so timing does not tell which
    identities exist.
    """
    try:
        kind, value = parse_identifier(identifier)
    except InvalidInput:
        await passwords.burn_time(password)
        return None
    identity = await Identity.get_or_none(kind=kind, value=value).select_related("customer")
    if identity is None or not identity.password_hash:
        await passwords.burn_time(password)
        return None
    if not await passwords.verify_password(identity.password_hash, password):
        return None
    if passwords.needs_rehash(identity.password_hash):
        identity.password_hash = await passwords.hash_password(password)
        await identity.save(update_fields=["password_hash", "updated_at"])
    if identity.customer.status != ACTIVE:
        return None
    return identity.customer


async def set_password(customer: Customer | int, password: str) -> None:
    """Set the password of every password identity (e-mail, phone) of the customer."""
    passwords.check_strength(password)
    encoded = await passwords.hash_password(password)
    await Identity.filter(customer_id=_id(customer), kind__in=PASSWORD_KINDS).update(
        password_hash=encoded
    )


async def update_profile(
    customer: Customer, *, nickname: str | None = None, language: str | None = None
) -> Customer:
    fields = []
    if nickname is not None:
        customer.nickname = clean_nickname(nickname)
        fields.append("nickname")
    if language is not None:
        customer.language = language
        fields.append("language")
    if fields:
        await customer.save(update_fields=[*fields, "updated_at"])
    return customer


# -- addresses (收货地址): exactly one default whenever any exist ----------------------------

_ADDRESS_LIMITS = {
    "recipient": (1, 64),
    "province": (1, 32),
    "city": (1, 32),
    # Some prefecture-level cities (东莞, 中山, 儋州, 嘉峪关) have no districts.
    "district": (0, 32),
    "detail": (1, 255),
}


def clean_address(data: dict[str, Any]) -> dict[str, Any]:
    """Stripped, length-checked address fields with a normalised mobile number."""
    cleaned: dict[str, Any] = {}
    for name, (low, high) in _ADDRESS_LIMITS.items():
        value = str(data.get(name) or "").strip()
        if not low <= len(value) <= high:
            raise InvalidInput(
                f"{name} is required." if not value else f"{name} is too long.", name
            )
        cleaned[name] = value
    cleaned["phone"] = normalize_phone(str(data.get("phone") or ""), "phone")
    return cleaned


async def _lock_customer(customer_id: int) -> None:
    """Serialise address changes of one customer (the default invariant spans rows)."""
    if await Customer.select_for_update().filter(id=customer_id).first() is None:
        raise NotFound("No such customer.", "customer")


async def list_addresses(customer: Customer | int) -> list[Address]:
    return await Address.filter(customer_id=_id(customer)).order_by("-is_default", "id")


async def get_address(customer: Customer | int, address_id: int) -> Address:
    address = await Address.get_or_none(id=address_id, customer_id=_id(customer))
    if address is None:
        raise NotFound("No such address.", "address_id")
    return address


async def add_address(
    customer: Customer | int, data: dict[str, Any], *, make_default: bool = False
) -> Address:
    """Add an address; the first one, or one asked to be, becomes the default."""
    fields = clean_address(data)
    customer_id = _id(customer)
    async with in_transaction():
        await _lock_customer(customer_id)
        count = await Address.filter(customer_id=customer_id).count()
        if count >= MAX_ADDRESSES:
            raise InvalidInput(
                f"At most {MAX_ADDRESSES} addresses; delete one first.", None, "address_limit"
            )
        if make_default:
            await Address.filter(customer_id=customer_id).update(is_default=False)
        return await Address.create(
            customer_id=customer_id, is_default=make_default or count == 0, **fields
        )


async def update_address(
    customer: Customer | int,
    address_id: int,
    data: dict[str, Any],
    *,
    make_default: bool | None = None,
) -> Address:
    """Replace an address's fields. ``make_default=True`` makes it the default; ``False``
    is refused for the default address (choose another default instead)."""
    fields = clean_address(data)
    customer_id = _id(customer)
    async with in_transaction():
        await _lock_customer(customer_id)
        address = await get_address(customer_id, address_id)
        if make_default is False and address.is_default:
            raise InvalidInput(
                "This is the default address; make another one the default instead.",
                "is_default",
            )
        if make_default and not address.is_default:
            await Address.filter(customer_id=customer_id).update(is_default=False)
            address.is_default = True
        for name, value in fields.items():
            setattr(address, name, value)
        await address.save()
        return address


async def set_default_address(customer: Customer | int, address_id: int) -> Address:
    customer_id = _id(customer)
    async with in_transaction():
        await _lock_customer(customer_id)
        address = await get_address(customer_id, address_id)
        await (
            Address.filter(customer_id=customer_id).exclude(id=address.id).update(is_default=False)
        )
        if not address.is_default:
            address.is_default = True
            await address.save(update_fields=["is_default", "updated_at"])
        return address


async def delete_address(customer: Customer | int, address_id: int) -> None:
    """Delete an address; if it was the default, the newest remaining one takes over."""
    customer_id = _id(customer)
    async with in_transaction():
        await _lock_customer(customer_id)
        address = await get_address(customer_id, address_id)
        await address.delete()
        if address.is_default:
            successor = await Address.filter(customer_id=customer_id).order_by("-id").first()
            if successor is not None:
                successor.is_default = True
                await successor.save(update_fields=["is_default", "updated_at"])


# -- following shops (收藏店铺) ------------------------------------------------------------


async def _active_shop(shop_id: int) -> Shop:
    shop = await Shop.get_or_none(id=shop_id, status=ACTIVE)
    if shop is None:
        raise NotFound("No such shop.", "shop_id")
    return shop


async def shop_exists(shop_id: int) -> None:
    if not await Shop.exists(id=shop_id):
        raise NotFound("No such shop.", "shop_id")


async def follow_shop(customer: Customer | int, shop_id: int) -> bool:
    """Follow a shop. Idempotent; returns whether a new follow was created."""
    await _active_shop(shop_id)
    try:
        _, created = await ShopFollow.get_or_create(customer_id=_id(customer), shop_id=shop_id)
    except IntegrityError:  # a concurrent follow of the same shop got there first
        return False
    return created


async def unfollow_shop(customer: Customer | int, shop_id: int) -> bool:
    """Stop following a shop. Idempotent; returns whether a follow was removed."""
    return await ShopFollow.filter(customer_id=_id(customer), shop_id=shop_id).delete() > 0


async def followed_shops(customer: Customer | int) -> list[ShopFollow]:
    return await ShopFollow.filter(customer_id=_id(customer)).select_related("shop").order_by("id")


# -- staff roles ------------------------------------------------------------------------------

OPERATOR = "operator"
OWNER = "owner"
STAFF = "staff"
SHOP_ROLES = (OWNER, STAFF)


@dataclass(frozen=True)
class RoleGrant:
    role: str
    shop_id: int | None


async def grant_role(customer: Customer | int, role: str, shop_id: int | None = None) -> RoleGrant:
    """Make a customer the platform operator (``shop_id=None``) or a shop's owner or staff.

    A customer has at most one role per shop; granting another replaces it.
    """
    customer_id = _id(customer)
    if role == OPERATOR:
        if shop_id is not None:
            raise InvalidInput("The operator role is platform-wide; give no shop.", "shop_id")
        # NULL never collides in a unique index, so the platform role is checked here.
        if not await StaffRole.exists(customer_id=customer_id, shop_id=None, role=OPERATOR):
            await StaffRole.create(customer_id=customer_id, shop_id=None, role=OPERATOR)
        return RoleGrant(OPERATOR, None)
    if role not in SHOP_ROLES:
        raise InvalidInput("The role must be operator, owner or staff.", "role")
    if shop_id is None:
        raise InvalidInput(f"The {role} role needs a shop.", "shop_id")
    if not await Shop.exists(id=shop_id):
        raise NotFound("No such shop.", "shop_id")
    await StaffRole.update_or_create(
        defaults={"role": role}, customer_id=customer_id, shop_id=shop_id
    )
    return RoleGrant(role, shop_id)


async def revoke_role(customer: Customer | int, shop_id: int | None = None) -> bool:
    """Remove the customer's role in a shop (or the operator role with ``shop_id=None``)."""
    return await StaffRole.filter(customer_id=_id(customer), shop_id=shop_id).delete() > 0


async def roles_for(customer: Customer | int) -> list[RoleGrant]:
    rows = await StaffRole.filter(customer_id=_id(customer)).order_by("id")
    return [RoleGrant(row.role, row.shop_id) for row in rows]


async def _active(customer: Customer | int) -> bool:
    if isinstance(customer, Customer):
        return customer.status == ACTIVE
    return await Customer.exists(id=customer, status=ACTIVE)


async def is_operator(customer: Customer | int) -> bool:
    """A platform operator supervises every shop. Disabled customers have no powers."""
    if not await _active(customer):
        return False
    return await StaffRole.exists(customer_id=_id(customer), shop_id=None, role=OPERATOR)


async def can_manage_shop(customer: Customer | int, shop_id: int) -> bool:
    """Operators manage every shop; owners and staff manage their own."""
    if await is_operator(customer):
        return True
    if not await _active(customer):
        return False
    return await StaffRole.exists(customer_id=_id(customer), shop_id=shop_id, role__in=SHOP_ROLES)
