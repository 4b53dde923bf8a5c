"""The accounts API: sign-up, sign-in (cookie or bearer token), profile, addresses, follows."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from shequ.core.accounts import service
from shequ.core.accounts.errors import AccountError, InvalidInput
from shequ.core.accounts.identity import parse_identifier
from shequ.core.accounts.middleware import bearer_token, login, logout
from shequ.core.accounts.models import Address, Customer, Identity
from shequ.core.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from shequ.core.accounts.passwords import MIN_LENGTH as PASSWORD_MIN
from shequ.core.accounts.tokens import TOKEN_DAYS, issue_token, revoke_token
from shequ.core.api.routing import ApiRouter
from shequ.core.appkeys import RUNTIME
from shequ.core.web.errors import ApiError
from shequ.core.web.ratelimit import login_key, login_limiter, too_many_attempts

router = ApiRouter(tag="accounts")
T = TypeVar("T")


async def call(awaitable: Awaitable[T]) -> T:
    """Run a service call, turning its account errors into JSON API errors."""
    try:
        return await awaitable
    except AccountError as exc:
        raise ApiError(exc.status, exc.code, exc.message, exc.field) from None


def path_id(request: web.Request, name: str) -> int:
    """An id from the path; one beyond any 64-bit key cannot exist (and would overflow SQL)."""
    value = int(request.match_info[name])
    if value >= 2**63:
        raise ApiError(404, "not_found", "No such item.", name)
    return value


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterIn(Body):
    kind: Literal["email", "phone"]
    value: str = Field(min_length=1, max_length=191, description="e-mail address or mobile number")
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    nickname: str = Field(default="", max_length=service.NICKNAME_MAX)
    token: bool = Field(default=False, description="also return a bearer token")


class LoginIn(Body):
    identifier: str = Field(min_length=1, max_length=191, description="e-mail or mobile number")
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    token: bool = Field(default=False, description="also return a bearer token")


class RevokeIn(Body):
    token: str | None = Field(
        default=None, max_length=128, description="the token to revoke; default: this request's"
    )


class ProfileIn(Body):
    nickname: str | None = Field(default=None, max_length=service.NICKNAME_MAX)
    language: Literal["zh_CN", "en", ""] | None = None


class AddressIn(Body):
    recipient: str = Field(min_length=1, max_length=64, description="收货人")
    phone: str = Field(min_length=1, max_length=32, description="手机, mainland mobile number")
    province: str = Field(min_length=1, max_length=32)
    city: str = Field(min_length=1, max_length=32)
    district: str = Field(default="", max_length=32)
    detail: str = Field(min_length=1, max_length=255)
    is_default: bool | None = Field(default=None, description="true makes it the default")


# -- shapes of responses ------------------------------------------------------------------------


async def customer_json(customer: Customer) -> dict[str, Any]:
    identities = await Identity.filter(customer_id=customer.id).order_by("id")
    roles = await service.roles_for(customer)
    return {
        "id": customer.id,
        "nickname": customer.nickname,
        "avatar_url": customer.avatar_url,
        "language": customer.language,
        "identities": [
            {"kind": i.kind, "value": i.value, "verified": i.verified} for i in identities
        ],
        "roles": [{"role": r.role, "shop_id": r.shop_id} for r in roles],
    }


def address_json(address: Address) -> dict[str, Any]:
    return {
        "id": address.id,
        "recipient": address.recipient,
        "phone": address.phone,
        "province": address.province,
        "city": address.city,
        "district": address.district,
        "detail": address.detail,
        "is_default": address.is_default,
    }


async def signed_in(request: web.Request, customer: Customer, with_token: bool) -> dict[str, Any]:
    await login(request, customer)
    result: dict[str, Any] = {"customer": await customer_json(customer)}
    if with_token:
        result["token"] = await issue_token(customer.id, label="login")
        result["token_type"] = "Bearer"
        result["expires_in"] = TOKEN_DAYS * 24 * 3600
    return result


# -- sign-up and sign-in ---------------------------------------------------------------------


@router.post("/auth/register", summary="Create an account and sign in", body=RegisterIn, status=201)
async def register(request: web.Request, body: RegisterIn):
    customer = await call(service.register(body.kind, body.value, body.password, body.nickname))
    return await signed_in(request, customer, body.token)


@router.post("/auth/login", summary="Sign in (session cookie; optionally a token)", body=LoginIn)
async def sign_in(request: web.Request, body: LoginIn):
    try:
        _, identifier = parse_identifier(body.identifier)
    except InvalidInput:
        identifier = body.identifier.strip().lower()
    limiter = login_limiter(request.app[RUNTIME])
    key = login_key(request.remote, identifier)
    wait = await limiter.retry_after(key)
    if wait is not None:
        raise too_many_attempts(wait)
    customer = await service.authenticate(body.identifier, body.password)
    if customer is None:
        await limiter.failed(key)
        raise ApiError(401, "invalid_credentials", "Wrong account or password.", "password")
    await limiter.reset(key)
    return await signed_in(request, customer, body.token)


@router.post("/auth/logout", summary="Sign out (a bearer token is revoked)")
async def sign_out(request: web.Request, body: None):
    token = bearer_token(request)
    if token is not None and request.get("customer") is not None:
        await revoke_token(token, request["customer"].id)
    await logout(request)
    return {"signed_in": False}


@router.post(
    "/auth/token/revoke",
    summary="Revoke a bearer token of yours (by default the one used)",
    auth="customer",
    body=RevokeIn,
)
async def revoke(request: web.Request, body: RevokeIn):
    token = body.token or bearer_token(request)
    if not token:
        raise ApiError(422, "invalid", "Name the token to revoke.", "token")
    if not await revoke_token(token, request["customer"].id):
        raise ApiError(404, "not_found", "No such live token of yours.", "token")
    return {"revoked": True}


# -- profile ----------------------------------------------------------------------------------


@router.get("/me", summary="The signed-in customer", auth="customer")
async def me(request: web.Request, body: None):
    return await customer_json(request["customer"])


@router.patch("/me", summary="Change nickname or language", auth="customer", body=ProfileIn)
async def update_me(request: web.Request, body: ProfileIn):
    customer = await call(
        service.update_profile(request["customer"], nickname=body.nickname, language=body.language)
    )
    return await customer_json(customer)


# -- addresses --------------------------------------------------------------------------------

ADDRESS = "/me/addresses/{address_id:[0-9]+}"


@router.get("/me/addresses", summary="Your addresses, the default first", auth="customer")
async def addresses(request: web.Request, body: None):
    return {"items": [address_json(a) for a in await service.list_addresses(request["customer"])]}


@router.post("/me/addresses", summary="Add an address", auth="customer", body=AddressIn, status=201)
async def add_address(request: web.Request, body: AddressIn):
    data = body.model_dump(exclude={"is_default"})
    address = await call(
        service.add_address(request["customer"], data, make_default=bool(body.is_default))
    )
    return address_json(address)


@router.put(ADDRESS, summary="Replace an address", auth="customer", body=AddressIn)
async def update_address(request: web.Request, body: AddressIn):
    address_id = path_id(request, "address_id")
    data = body.model_dump(exclude={"is_default"})
    address = await call(
        service.update_address(request["customer"], address_id, data, make_default=body.is_default)
    )
    return address_json(address)


@router.delete(ADDRESS, summary="Delete an address", auth="customer")
async def delete_address(request: web.Request, body: None):
    await call(service.delete_address(request["customer"], path_id(request, "address_id")))
    return {"deleted": True}


# -- follows ----------------------------------------------------------------------------------

SHOP_FOLLOW = "/shops/{shop_id:[0-9]+}/follow"


@router.get("/me/follows", summary="Shops you follow", auth="customer")
async def follows(request: web.Request, body: None):
    rows = await service.followed_shops(request["customer"])
    return {
        "items": [
            {
                "shop_id": row.shop_id,
                "slug": row.shop.slug,
                "name": row.shop.name,
                "followed_at": row.created_at.isoformat(),
            }
            for row in rows
        ]
    }


@router.post(SHOP_FOLLOW, summary="Follow a shop (idempotent)", auth="customer")
async def follow(request: web.Request, body: None):
    await call(service.follow_shop(request["customer"], path_id(request, "shop_id")))
    return {"following": True}


@router.delete(SHOP_FOLLOW, summary="Stop following a shop (idempotent)", auth="customer")
async def unfollow(request: web.Request, body: None):
    shop_id = path_id(request, "shop_id")
    await call(service.shop_exists(shop_id))
    await service.unfollow_shop(request["customer"], shop_id)
    return {"following": False}
