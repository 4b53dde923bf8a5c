"""The built-in ``distribution`` plugin: its settings refuse what the law forbids (at
``shequ check`` and per shop), and ``shequ distribution explain`` prints a plan."""

from __future__ import annotations

import asyncio
import json

import pytest

from shequ.core.cli.main import main
from shequ.core.config import ConfigError
from shequ.core.distribution.binding import bind_by_code
from shequ.core.shops.plugin_settings import LockedSettingError
from tests.core.distribution.factory import (
    active_distributor,
    customer,
    main_shop,
    new_shop,
    pay,
    place_order,
)


def write_config(tmp_path, database_url: str, table: str) -> str:
    path = tmp_path / "shequ.toml"
    path.write_text(
        f"""
[platform]
secret_key = "test-secret-key-0123456789abcdef"

[database]
url = "{database_url}"

[plugins]
enabled = ["distribution"]

[plugins.distribution]
{table}
""",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.parametrize(
    ("table", "key", "says"),
    [
        ("levels = 3\nrates = [10, 5, 2]", "plugins.distribution.levels", "at most 2 levels"),
        ("entry_fee = 9900", "plugins.distribution.entry_fee", "never costs money"),
        ("require_purchase = true", "plugins.distribution.require_purchase", "requires a purchase"),
        ("cap_percent = 150", "plugins.distribution.cap_percent", "cannot exceed 100%"),
    ],
)
def test_check_refuses_what_the_rules_forbid_with_one_precise_line(
    tmp_path, capsys, table, key, says
):
    path = write_config(tmp_path, "sqlite://x.sqlite3", table)
    assert main(["check", "--config", path]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"shequ: config error: {key}: ")
    assert says in err
    if "levels" in key or "fee" in key or "purchase" in key:
        assert "禁止传销条例 art. 7" in err


def test_check_accepts_two_levels_within_the_cap(tmp_path, capsys):
    path = write_config(tmp_path, "sqlite://x.sqlite3", "levels = 2\nrates = [20, 10]")
    assert main(["check", "--config", path]) == 0
    assert "plugins: distribution" in capsys.readouterr().out


async def test_shops_set_their_own_rules_within_the_platforms_locks(make_runtime):
    runtime = make_runtime(
        {
            "plugins": {"enabled": ["distribution"], "distribution": {"rates": [10]}},
            "platform": {"locked": {"distribution": ["levels"]}},
        }
    )
    async with runtime.running(run_jobs=False):
        shop, other = await main_shop(), await new_shop("other")
        await runtime.plugin_settings.set_for_shop(
            "distribution", shop, {"rates": [15], "binding": "last"}, "staff:1"
        )
        mine = await runtime.plugin_settings.for_shop("distribution", shop)
        theirs = await runtime.plugin_settings.for_shop("distribution", other)
        assert (mine.rates, mine.binding) == ([15], "last")
        assert (theirs.rates, theirs.binding) == ([10], "protected")
        with pytest.raises(LockedSettingError):
            await runtime.plugin_settings.set_for_shop(
                "distribution", shop, {"levels": 2, "rates": [10, 5]}, "staff:1"
            )
        for bad in ({"cap_percent": 101}, {"entry_fee": 1}, {"rates": [40]}):
            with pytest.raises(ConfigError):
                await runtime.plugin_settings.set_for_shop("distribution", other, bad, "staff:1")


async def test_explain_prints_chain_rule_rate_base_and_plugin(
    make_runtime, database_url, tmp_path, capsys
):
    runtime = make_runtime(
        {"plugins": {"enabled": ["distribution"], "distribution": {"levels": 2, "rates": [10, 5]}}}
    )
    async with runtime.running(run_jobs=False):
        shop = await main_shop()
        top, mid = await active_distributor(shop), await active_distributor(shop)
        await bind_by_code(runtime, mid.customer_id, top.code)
        buyer = await customer()
        await bind_by_code(runtime, buyer, mid.code)
        order = await place_order(runtime, shop, buyer, [(8_800, 1)], order_discount=800)
        await pay(runtime, order)
        unpaid = await place_order(runtime, shop, buyer)
    path = write_config(tmp_path, database_url, "levels = 2\nrates = [10, 5]")
    assert (
        await asyncio.to_thread(main, ["distribution", "explain", str(order.id), "--config", path])
        == 0
    )
    out = capsys.readouterr().out
    assert f"referral chain (nearest first): [{mid.customer_id}, {top.customer_id}]" in out
    assert f"level 1 -> customer {mid.customer_id}: 800 fen (10.0000% of 8000 fen paid" in out
    assert f"level 2 -> customer {top.customer_id}: 400 fen (5.0000% of 8000 fen paid" in out
    assert "rule: default rate, level 1: 10%; plugin: distribution" in out
    args = ["distribution", "explain", str(order.id), "--json", "--config", path]
    assert await asyncio.to_thread(main, args) == 0
    report = json.loads(capsys.readouterr().out)
    assert [c["explanation"]["base_amount"] for c in report["commissions"]] == [8_000, 8_000]
    args = ["distribution", "explain", str(unpaid.id), "--config", path]
    assert await asyncio.to_thread(main, args) == 0
    assert "no commission plan yet" in capsys.readouterr().out
    args = ["distribution", "explain", "987654", "--config", path]
    assert await asyncio.to_thread(main, args) == 1
