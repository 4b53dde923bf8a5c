"""``shequ createuser``."""

import asyncio

import pytest

from shequ.core.accounts import service
from shequ.core.accounts.models import Customer
from shequ.core.cli.main import main
from shequ.core.config import load_settings
from shequ.core.runtime import Runtime
from tests.core.accounts.support import PASSWORD


@pytest.fixture
def config(tmp_path, database_url):
    path = tmp_path / "shequ.toml"
    path.write_text(
        f'[platform]\nsecret_key = "cli-test-secret-0123456789"\n[database]\nurl = "{database_url}"\n',
        encoding="utf-8",
    )
    # The template database has the schema; the default shop comes with the first start.
    asyncio.run(_in_db(path, lambda: None))
    return path


async def _in_db(path, action):
    runtime = Runtime(load_settings(path))
    async with runtime.running(run_jobs=False, migrate=False):
        result = action()
        return await result if asyncio.iscoroutine(result) else result


def accounts(path):
    async def read():
        rows = []
        for customer in await Customer.all().prefetch_related("identities"):
            roles = await service.roles_for(customer)
            rows.append(([i.value for i in customer.identities], roles))
        return rows

    return asyncio.run(_in_db(path, read))


def test_createuser_operator(config, capsys):
    args = ["createuser", "--config", str(config), "--email", "Boss@Example.com"]
    assert main([*args, "--password", PASSWORD, "--operator"]) == 0
    assert "created customer" in capsys.readouterr().out
    assert accounts(config) == [(["boss@example.com"], [service.RoleGrant("operator", None)])]
    authenticated = asyncio.run(
        _in_db(config, lambda: service.authenticate("boss@example.com", PASSWORD))
    )
    assert authenticated is not None


@pytest.mark.parametrize("flag", ["--owner", "--staff"])
def test_createuser_for_a_shop(config, flag):
    args = ["createuser", "--config", str(config), "--email", "a@example.com"]
    assert main([*args, "--password", PASSWORD, flag, "main"]) == 0
    [(_, [grant])] = accounts(config)
    assert grant.role == flag[2:] and grant.shop_id is not None


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--email", "bad", "--password", PASSWORD], "value: Enter a valid e-mail"),
        (["--email", "a@example.com", "--password", "short"], "password: "),
        (["--email", "a@example.com", "--password", PASSWORD, "--owner", "nope"], "no shop"),
    ],
)
def test_createuser_refusals_write_nothing(config, capsys, extra, message):
    assert main(["createuser", "--config", str(config), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert accounts(config) == []


def test_createuser_twice_is_refused(config, capsys):
    args = ["createuser", "--config", str(config), "--email", "a@example.com"]
    assert main([*args, "--password", PASSWORD]) == 0
    assert main([*args, "--password", PASSWORD, "--operator"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert accounts(config) == [(["a@example.com"], [])]
