"""Races: many requests at once still leave one default address, one account, one follow.

On PostgreSQL these run truly in parallel (one pooled connection per transaction), which is
where the customer-row lock matters; SQLite serialises writers, so there they must simply
hold as well.
"""

import asyncio

from shequ.core.accounts import service
from shequ.core.accounts.errors import DuplicateIdentity
from shequ.core.accounts.models import Address, Customer, Identity, ShopFollow
from shequ.core.shops.models import Shop
from tests.core.accounts.support import PASSWORD
from tests.core.accounts.test_service import ADDRESS


async def test_concurrent_address_changes_keep_exactly_one_default(runtime):
    customer = await Customer.create()
    # Everyone adds at once to an empty book: each would be "the first" without the lock.
    await asyncio.gather(*(service.add_address(customer, ADDRESS) for _ in range(8)))
    assert await Address.filter(customer_id=customer.id, is_default=True).count() == 1

    ids = [a.id for a in await Address.filter(customer_id=customer.id)]
    await asyncio.gather(
        *(service.set_default_address(customer, i) for i in ids),
        *(service.add_address(customer, ADDRESS, make_default=True) for _ in range(4)),
    )
    assert await Address.filter(customer_id=customer.id, is_default=True).count() == 1

    await asyncio.gather(*(service.delete_address(customer, i) for i in ids))
    assert await Address.filter(customer_id=customer.id).count() == 4
    assert await Address.filter(customer_id=customer.id, is_default=True).count() == 1


async def test_concurrent_registrations_of_one_identity_make_one_account(runtime):
    results = await asyncio.gather(
        *(service.register("email", "race@example.com", PASSWORD) for _ in range(6)),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, Customer)]
    assert len(winners) == 1
    assert all(isinstance(r, DuplicateIdentity) for r in results if r not in winners)
    assert await Identity.filter(value="race@example.com").count() == 1
    # A losing registration leaves no orphan customer behind.
    assert await Customer.all().count() == 1


async def test_concurrent_follows_make_one_row(runtime):
    customer = await Customer.create()
    shop = await Shop.get(slug="main")
    created = await asyncio.gather(*(service.follow_shop(customer, shop.id) for _ in range(6)))
    assert created.count(True) == 1
    assert await ShopFollow.filter(customer_id=customer.id).count() == 1
