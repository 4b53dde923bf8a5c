"""Plugin discovery and hook dispatch by kind."""

import asyncio
import subprocess
import sys
import types

import pytest

from shequ.core import hookimpl
from shequ.core.config import ConfigError
from shequ.core.hooktypes import SlotContent
from shequ.core.jobs.models import Job
from shequ.core.pluginsys.dispatch import HookVeto
from shequ.core.runtime import Runtime


def plugin(name, **hooks):
    module = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(module, hook_name, hookimpl(fn))
    return module


def test_only_enabled_plugins_run(make_settings):
    runtime = Runtime(make_settings())
    assert runtime.plugins.plugins == {}
    assert "fullplugin" not in runtime.plugins.available


def test_builtin_plugins_are_discovered_without_import(make_settings):
    runtime = Runtime(make_settings())
    builtins = [s for s in runtime.plugins.available.values() if s.origin == "built-in"]
    assert {"shipping", "distribution"} <= {s.name for s in builtins}
    assert all(s.target == f"shequ.plugins.{s.name}" for s in builtins)
    # In a fresh interpreter, listing the built-ins imports none of them.
    code = (
        "import sys; from shequ.core.pluginsys.discovery import builtin_sources; "
        "found = builtin_sources('0'); "
        "print(sorted(n for n, s in found.items() if s.target in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_decide_returns_first_non_none_of_async_impls(make_settings):
    calls = []

    async def none_first(shop_id, customer_id, candidate_id, current_id):
        calls.append("a")
        return None

    async def answer(candidate_id):
        calls.append("b")
        await asyncio.sleep(0)
        return candidate_id

    def never(candidate_id):
        calls.append("c")
        return 999

    extra = {
        "c_last": plugin("c_last", shequ_choose_referrer=never),
        "b_answers": plugin("b_answers", shequ_choose_referrer=answer),
        "a_first": plugin("a_first", shequ_choose_referrer=none_first),
    }
    # pluggy calls the last registered first: a_first, then b_answers; c_last never runs.
    settings = make_settings({"plugins": {"enabled": ["c_last", "b_answers", "a_first"]}})
    runtime = Runtime(settings, extra_plugins=extra)
    result = await runtime.hooks.decide(
        "shequ_choose_referrer", shop_id=1, customer_id=2, candidate_id=7, current_id=None
    )
    assert result == 7
    assert calls == ["a", "b"]


async def test_validate_runs_all_and_first_reason_wins(make_settings):
    seen = []

    def ok(quantity):
        seen.append("ok")

    async def too_many(quantity):
        seen.append("limit")
        return "每人限购 2 件" if quantity > 2 else None

    extra = {
        "ok": plugin("ok", shequ_validate_cart_line=ok),
        "limit": plugin("limit", shequ_validate_cart_line=too_many),
    }
    runtime = Runtime(make_settings({"plugins": {"enabled": ["ok", "limit"]}}), extra_plugins=extra)
    kwargs = dict(customer_id=None, sku_id=1, shop_id=1)
    await runtime.hooks.validate("shequ_validate_cart_line", quantity=1, **kwargs)
    with pytest.raises(HookVeto) as veto:
        await runtime.hooks.validate("shequ_validate_cart_line", quantity=3, **kwargs)
    assert veto.value.reason == "每人限购 2 件"
    assert veto.value.plugin == "limit"
    assert seen == ["limit", "ok", "limit", "ok"]


async def test_transform_tags_each_result_with_its_plugin(make_settings):
    def badge(name, context):
        return "<b>hi</b>"

    async def safe(name, context):
        return SlotContent("<i>x</i>", safe=True)

    extra = {"one": plugin("one", shequ_slot=badge), "two": plugin("two", shequ_slot=safe)}
    runtime = Runtime(make_settings({"plugins": {"enabled": ["one", "two"]}}), extra_plugins=extra)
    results = await runtime.hooks.transform("shequ_slot", name="head", context={})
    assert [(t.plugin, t.value) for t in results] == [
        ("two", SlotContent("<i>x</i>", safe=True)),
        ("one", "<b>hi</b>"),
    ]


async def test_calling_a_hook_as_the_wrong_kind_is_refused(make_settings):
    runtime = Runtime(make_settings())
    with pytest.raises(TypeError, match="is a decide hook"):
        await runtime.hooks.transform(
            "shequ_choose_referrer", shop_id=1, customer_id=1, candidate_id=1, current_id=None
        )


async def test_observer_is_delivered_after_commit_and_failure_never_undoes(make_runtime):
    from tortoise.transactions import in_transaction

    from shequ.core.shops.models import Shop

    delivered = []

    async def paid_ok(order_id, shop_id):
        delivered.append(("ok", order_id))

    def paid_fails(order_id):
        raise RuntimeError("push service down")

    extra = {
        "good": plugin("good", shequ_order_paid=paid_ok),
        "bad": plugin("bad", shequ_order_paid=paid_fails),
    }
    runtime = make_runtime(
        {"plugins": {"enabled": ["good", "bad"]}, "jobs": {"max_attempts": 2}}, extra_plugins=extra
    )
    async with runtime.running(run_jobs=False):
        async with in_transaction():
            shop = await Shop.create(slug="s2", name="二店")
            assert await runtime.hooks.notify("shequ_order_paid", order_id=5, shop_id=shop.id) == 2
        assert delivered == []  # nothing runs inside the transaction
        await runtime.runner.run_due()
        assert delivered == [("ok", 5)]
        assert await Shop.filter(slug="s2").exists()  # the change stands
        (failing,) = [j for j in await Job.all() if j.payload["plugin"] == "bad"]
        assert failing.status == "queued" and "push service down" in failing.last_error


async def test_observer_payload_must_be_json(make_runtime):
    extra = {"good": plugin("good", shequ_order_paid=lambda order_id: None)}
    runtime = make_runtime({"plugins": {"enabled": ["good"]}}, extra_plugins=extra)
    async with runtime.running(run_jobs=False):
        with pytest.raises(TypeError):
            await runtime.hooks.notify("shequ_order_paid", order_id=object(), shop_id=1)


def test_plugin_name_offered_twice_is_refused(make_settings):
    settings = make_settings({"plugins": {"paths": {"shipping": "tests.plugins.fullplugin"}}})
    with pytest.raises(ConfigError, match="offered by built-in"):
        Runtime(settings)
