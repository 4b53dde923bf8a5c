"""Shop scoping: one mechanism, and a query can never leak across shops."""

import pytest

from shequ.core.shops.models import Shop
from shequ.core.shops.scope import ALL_SHOPS, ShopScopeError, shop_scope
from tests.plugins.fullplugin.models import Note

FULL = {"plugins": {"enabled": ["fullplugin"], "paths": {"fullplugin": "tests.plugins.fullplugin"}}}


@pytest.fixture
async def two_shops(make_runtime):
    runtime = make_runtime(FULL)
    async with runtime.running(run_jobs=False):
        a = await Shop.create(slug="a", name="A")
        b = await Shop.create(slug="b", name="B")
        with shop_scope(a.id):
            await Note.create(text="a1")
            await Note.create(text="a2")
        with shop_scope(b.id):
            await Note.create(text="b1")
        yield runtime, a, b


async def test_queries_see_only_their_shop(two_shops):
    _, a, b = two_shops
    with shop_scope(a.id):
        assert await Note.all().values_list("text", flat=True) == ["a1", "a2"]
        assert await Note.filter(text="b1").count() == 0
        b_note = None
        with shop_scope(b.id):
            b_note = await Note.get(text="b1")
        assert await Note.get_or_none(id=b_note.id) is None
        assert await Note.filter(id=b_note.id).update(text="hacked") == 0
        assert await Note.filter(id=b_note.id).delete() == 0
    with shop_scope(b.id):
        assert await Note.get(id=b_note.id).values_list("text", flat=True) == "b1"


async def test_query_outside_a_scope_is_refused(two_shops):
    with pytest.raises(ShopScopeError):
        await Note.all()
    with pytest.raises(ShopScopeError):
        await Note.create(text="nowhere")


async def test_saving_into_another_shop_is_refused(two_shops):
    _, a, b = two_shops
    with shop_scope(a.id):
        with pytest.raises(ShopScopeError):
            await Note.create(text="x", shop_id=b.id)
        note = await Note.create(text="mine")
        assert note.shop_id == a.id


async def test_platform_scope_reads_every_shop_explicitly(two_shops):
    with shop_scope(ALL_SHOPS):
        assert await Note.all().count() == 3
        with pytest.raises(ShopScopeError):
            await Note.create(text="which shop?")


async def test_every_shop_owned_model_uses_the_scope():
    """Models with a shop foreign key must be ShopScopedModels (or be listed as platform-level)."""
    from tortoise.fields.relational import ForeignKeyFieldInstance

    from shequ.core.db.database import CORE_APPS
    from shequ.core.shops.scope import ShopScopedModel

    # Rows that name a shop but belong to the platform or a customer, not the shop's staff.
    platform_level = {"ShopPluginSetting", "ShopFollow", "StaffRole", "CartLine", "Shop"}
    import importlib

    offenders = []
    for app in CORE_APPS:
        for module_name in app.models:
            module = importlib.import_module(module_name)
            for name, model in vars(module).items():
                fields_map = getattr(getattr(model, "_meta", None), "fields_map", None)
                if not fields_map or getattr(model._meta, "abstract", False):
                    continue
                has_shop = any(
                    isinstance(f, ForeignKeyFieldInstance) and f.model_name == "core.Shop"
                    for f in fields_map.values()
                )
                if (
                    has_shop
                    and not issubclass(model, ShopScopedModel)
                    and name not in platform_level
                ):
                    offenders.append(name)
    assert offenders == []
