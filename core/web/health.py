"""``/healthz``: is the process up and can it reach its database?"""

from aiohttp import web

from shequ.core import __version__
from shequ.core.appkeys import RUNTIME


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    database_ok = await runtime.db.ping()
    return web.json_response(
        {
            "status": "ok" if database_ok else "degraded",
            "database": {"ok": database_ok, "dialect": runtime.db.dialect},
            "version": __version__,
        },
        status=200 if database_ok else 503,
    )


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz, name="healthz")
