"""The app factory: health, isolation between apps, request ids, JSON errors."""

import logging

from shequ.core.appkeys import RUNTIME
from shequ.core.logs import RequestIdFilter
from shequ.core.shops.models import Shop
from tests import dbs


async def test_healthz_reports_database(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    response = await client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok"
    assert body["database"] == {
        "ok": True,
        "dialect": "postgres" if dbs.is_postgres() else "sqlite",
    }


async def test_healthz_degrades_when_database_is_gone(aiohttp_client, make_app):
    app = make_app()
    client = await aiohttp_client(app)
    await app[RUNTIME].db.close()
    response = await client.get("/healthz")
    assert response.status == 503
    assert (await response.json())["database"]["ok"] is False


async def test_two_apps_with_different_databases_side_by_side(
    aiohttp_client, make_settings, tmp_path
):
    from shequ.core.app import create_app

    other_url = await dbs.create_database(tmp_path / "other")
    try:
        first = create_app(make_settings({"platform": {"name": "甲"}}), run_jobs=False)
        second = create_app(
            make_settings({"platform": {"name": "乙"}, "database": {"url": other_url}}),
            run_jobs=False,
        )
        c1, c2 = await aiohttp_client(first), await aiohttp_client(second)
        assert (await c1.get("/healthz")).status == 200
        assert (await c2.get("/healthz")).status == 200
        # Each runtime's default shop took its own platform name, in its own database.
        with first[RUNTIME].db.bound():
            assert await Shop.all().values_list("name", flat=True) == ["甲"]
        with second[RUNTIME].db.bound():
            assert await Shop.all().values_list("name", flat=True) == ["乙"]
        assert first[RUNTIME].plugins.pm is not second[RUNTIME].plugins.pm
    finally:
        await dbs.drop_database(other_url)


async def test_request_id_on_response_and_log_lines(aiohttp_client, make_app, caplog):
    client = await aiohttp_client(make_app())
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="shequ.core.db.database"):
        app_runtime = client.server.app[RUNTIME]
        await app_runtime.db.close()  # makes the health check log a warning
        response = await client.get("/healthz", headers={"X-Request-Id": "req-42"})
    assert response.headers["X-Request-Id"] == "req-42"
    assert any(getattr(r, "request_id", None) == "req-42" for r in caplog.records)
    generated = (await client.get("/nope")).headers["X-Request-Id"]
    assert len(generated) == 16


async def test_api_errors_are_json(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    response = await client.get("/api/v1/does-not-exist")
    assert response.status == 404
    assert await response.json() == {
        "error": {"code": "not_found", "message": "Not Found", "field": None}
    }


async def test_openapi_lists_every_api_route(aiohttp_client, make_app):
    app = make_app()
    client = await aiohttp_client(app)
    document = await (await client.get("/api/v1/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    documented = {
        (method.upper(), path) for path, ops in document["paths"].items() for method in ops
    }
    from shequ.core.api.routing import plain_path

    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        if not path.startswith("/api/v1/") or path == "/api/v1/openapi.json":
            continue
        if route.method == "HEAD":
            continue
        path = plain_path(path)
        assert (route.method, path) in documented, f"{route.method} {path} missing from OpenAPI"
