"""Accounts service: registration, sign-in, addresses, follows, roles."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shequ.core.accounts import passwords, service
from shequ.core.accounts.errors import DuplicateIdentity, InvalidInput, NotFound
from shequ.core.accounts.models import Address, Customer, Identity, ShopFollow, StaffRole
from shequ.core.shops.models import Shop
from tests.core.accounts.support import PASSWORD, counts

ADDRESS = {
    "recipient": "王小明",
    "phone": "138 1234 5678",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "detail": "文三路 100 号",
}


async def test_register_normalises_and_hashes(runtime):
    customer = await service.register("email", " Li@Example.com ", PASSWORD, " 小李 ")
    identity = await Identity.get(customer_id=customer.id)
    assert (identity.kind, identity.value) == ("email", "li@example.com")
    assert customer.nickname == "小李"
    assert identity.password_hash.startswith("$argon2id$")
    assert PASSWORD not in identity.password_hash


async def test_duplicate_identity_is_refused_in_any_spelling(runtime):
    await service.register("phone", "13812345678", PASSWORD)
    before = await counts(runtime)
    with pytest.raises(DuplicateIdentity) as err:
        await service.register("phone", "+86 138-1234-5678", PASSWORD)
    assert err.value.field == "value"
    assert await counts(runtime) == before


@pytest.mark.parametrize(
    ("kind", "value", "password", "nickname", "field"),
    [
        ("email", "not-an-email", PASSWORD, "", "value"),
        ("phone", "12345", PASSWORD, "", "value"),
        ("wechat_openid", "o123", PASSWORD, "", "kind"),
        ("email", "li@example.com", "short", "", "password"),
        ("email", "li@example.com", "x" * 300, "", "password"),
        ("email", "li@example.com", PASSWORD, "名" * 65, "nickname"),
    ],
)
async def test_bad_registration_writes_nothing(runtime, kind, value, password, nickname, field):
    with pytest.raises(InvalidInput) as err:
        await service.register(kind, value, password, nickname)
    assert err.value.field == field
    assert set((await counts(runtime)).values()) == {0}


async def test_authenticate(runtime):
    customer = await service.register("email", "li@example.com", PASSWORD)
    assert (await service.authenticate("LI@example.com", PASSWORD)).id == customer.id
    assert await service.authenticate("li@example.com", PASSWORD + "x") is None
    assert await service.authenticate("nobody@example.com", PASSWORD) is None
    assert await service.authenticate("garbage", PASSWORD) is None


async def test_disabled_customer_cannot_authenticate(runtime):
    customer = await service.register("email", "li@example.com", PASSWORD)
    await Customer.filter(id=customer.id).update(status="disabled")
    assert await service.authenticate("li@example.com", PASSWORD) is None


async def test_unknown_identity_still_pays_for_a_verification(runtime, monkeypatch):
    verified = []
    real = passwords._verify
    monkeypatch.setattr(
        passwords, "_verify", lambda encoded, pw: verified.append(pw) or real(encoded, pw)
    )
    assert await service.authenticate("nobody@example.com", "guess-guess") is None
    assert await service.authenticate("not an identifier", "guess-again") is None
    assert verified == ["guess-guess", "guess-again"]


async def test_login_rehashes_when_parameters_change(runtime, monkeypatch):
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    customer = await Customer.create()
    await Identity.create(
        customer=customer, kind="email", value="old@example.com", password_hash=old.hash(PASSWORD)
    )
    assert passwords.needs_rehash((await Identity.get(value="old@example.com")).password_hash)

    assert await service.authenticate("old@example.com", PASSWORD) is not None
    upgraded = (await Identity.get(value="old@example.com")).password_hash
    assert "m=512" not in upgraded and not passwords.needs_rehash(upgraded)
    assert await service.authenticate("old@example.com", PASSWORD) is not None
    # A wrong password never rewrites the hash.
    await Identity.filter(value="old@example.com").update(password_hash=old.hash(PASSWORD))
    assert await service.authenticate("old@example.com", "wrong password") is None
    assert "m=512" in (await Identity.get(value="old@example.com")).password_hash


async def test_set_password(runtime):
    customer = await service.register("email", "li@example.com", PASSWORD)
    with pytest.raises(InvalidInput):
        await service.set_password(customer, "short")
    await service.set_password(customer, "a new long password")
    assert await service.authenticate("li@example.com", PASSWORD) is None
    assert await service.authenticate("li@example.com", "a new long password") is not None


# -- addresses -------------------------------------------------------------------------------


async def test_first_address_is_default_and_phone_is_normalised(runtime):
    customer = await Customer.create()
    first = await service.add_address(customer, ADDRESS)
    second = await service.add_address(customer, ADDRESS)
    assert first.is_default and not second.is_default
    assert first.phone == "+8613812345678"
    third = await service.add_address(customer, ADDRESS, make_default=True)
    assert [a.id for a in await service.list_addresses(customer)] == [third.id, first.id, second.id]
    assert await Address.filter(customer_id=customer.id, is_default=True).count() == 1


async def test_deleting_the_default_promotes_another(runtime):
    customer = await Customer.create()
    first = await service.add_address(customer, ADDRESS)
    second = await service.add_address(customer, ADDRESS)
    await service.delete_address(customer, first.id)
    assert (await Address.get(id=second.id)).is_default


async def test_default_cannot_be_unset_directly(runtime):
    customer = await Customer.create()
    first = await service.add_address(customer, ADDRESS)
    with pytest.raises(InvalidInput) as err:
        await service.update_address(customer, first.id, ADDRESS, make_default=False)
    assert err.value.field == "is_default"
    assert (await Address.get(id=first.id)).is_default


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"recipient": "  "}, "recipient"),
        ({"detail": "x" * 256}, "detail"),
        ({"city": ""}, "city"),
    ],
)
async def test_bad_address_writes_nothing(runtime, change, field):
    customer = await Customer.create()
    with pytest.raises(InvalidInput) as err:
        await service.add_address(customer, {**ADDRESS, **change})
    assert err.value.field == field
    assert await Address.all().count() == 0


async def test_someone_elses_address_is_not_found(runtime):
    owner, other = await Customer.create(), await Customer.create()
    address = await service.add_address(owner, ADDRESS)
    for attempt in (
        service.update_address(other, address.id, {**ADDRESS, "detail": "mine now"}),
        service.set_default_address(other, address.id),
        service.delete_address(other, address.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert (await Address.get(id=address.id)).detail == ADDRESS["detail"]


async def test_address_limit(runtime, monkeypatch):
    monkeypatch.setattr(service, "MAX_ADDRESSES", 2)
    customer = await Customer.create()
    await service.add_address(customer, ADDRESS)
    await service.add_address(customer, ADDRESS)
    with pytest.raises(InvalidInput) as err:
        await service.add_address(customer, ADDRESS)
    assert err.value.code == "address_limit"
    assert await Address.all().count() == 2


operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.booleans()),
        st.tuples(st.just("default"), st.integers(0, 9)),
        st.tuples(st.just("delete"), st.integers(0, 9)),
        st.tuples(st.just("update"), st.integers(0, 9), st.sampled_from([None, True])),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations)
async def test_exactly_one_default_whenever_any_address_exists(runtime, ops):
    customer = await Customer.create()
    for op in ops:
        ids = [a.id for a in await Address.filter(customer_id=customer.id).order_by("id")]
        if op[0] == "add":
            await service.add_address(customer, ADDRESS, make_default=op[1])
        elif ids and op[0] == "default":
            await service.set_default_address(customer, ids[op[1] % len(ids)])
        elif ids and op[0] == "delete":
            await service.delete_address(customer, ids[op[1] % len(ids)])
        elif ids and op[0] == "update":
            target = ids[op[1] % len(ids)]
            await service.update_address(customer, target, ADDRESS, make_default=op[2])
            if op[2]:
                assert (await Address.get(id=target)).is_default
        total = await Address.filter(customer_id=customer.id).count()
        defaults = await Address.filter(customer_id=customer.id, is_default=True).count()
        assert defaults == (1 if total else 0), (op, total, defaults)


# -- follows ---------------------------------------------------------------------------------


async def test_follow_and_unfollow_are_idempotent(runtime):
    customer = await Customer.create()
    shop = await Shop.get(slug="main")
    assert await service.follow_shop(customer, shop.id) is True
    assert await service.follow_shop(customer, shop.id) is False
    assert await ShopFollow.filter(customer_id=customer.id).count() == 1
    assert [f.shop.slug for f in await service.followed_shops(customer)] == ["main"]
    assert await service.unfollow_shop(customer, shop.id) is True
    assert await service.unfollow_shop(customer, shop.id) is False
    assert await ShopFollow.all().count() == 0


async def test_cannot_follow_a_missing_or_suspended_shop(runtime):
    customer = await Customer.create()
    suspended = await Shop.create(slug="gone", name="Gone", status="suspended")
    for shop_id in (suspended.id, 999999):
        with pytest.raises(NotFound):
            await service.follow_shop(customer, shop_id)
    assert await ShopFollow.all().count() == 0


# -- roles -----------------------------------------------------------------------------------


async def test_roles(runtime):
    main = await Shop.get(slug="main")
    other = await Shop.create(slug="other", name="Other")
    boss, clerk, operator, nobody = [await Customer.create() for _ in range(4)]
    await service.grant_role(boss, "owner", main.id)
    await service.grant_role(clerk, "staff", main.id)
    await service.grant_role(operator, "operator")
    await service.grant_role(operator, "operator")  # idempotent

    assert await service.roles_for(boss) == [service.RoleGrant("owner", main.id)]
    assert await service.roles_for(operator) == [service.RoleGrant("operator", None)]
    assert await service.roles_for(nobody) == []
    assert await service.can_manage_shop(boss, main.id)
    assert await service.can_manage_shop(clerk, main.id)
    assert not await service.can_manage_shop(boss, other.id)
    assert not await service.can_manage_shop(nobody, main.id)
    assert await service.can_manage_shop(operator, other.id)
    assert await service.is_operator(operator) and not await service.is_operator(boss)

    # One role per shop: promoting staff to owner replaces the role.
    await service.grant_role(clerk, "owner", main.id)
    assert await service.roles_for(clerk) == [service.RoleGrant("owner", main.id)]
    assert await service.revoke_role(clerk, main.id)
    assert not await service.can_manage_shop(clerk, main.id)

    # Disabled customers have no powers, whatever their roles say.
    operator.status = "disabled"
    await operator.save()
    assert not await service.is_operator(operator)
    assert not await service.can_manage_shop(operator.id, main.id)


@pytest.mark.parametrize(
    ("role", "shop", "error"),
    [
        ("operator", "main", InvalidInput),
        ("owner", None, InvalidInput),
        ("king", "main", InvalidInput),
        ("staff", 999999, NotFound),
    ],
)
async def test_bad_role_grants_write_nothing(runtime, role, shop, error):
    customer = await Customer.create()
    shop_id = (await Shop.get(slug="main")).id if shop == "main" else shop
    with pytest.raises(error):
        await service.grant_role(customer, role, shop_id)
    assert await StaffRole.all().count() == 0
