"""Install every core API router and the OpenAPI document on an app."""

from __future__ import annotations

from aiohttp import web

from shequ.core.api import openapi
from shequ.core.api.routing import ApiRouter


def core_routers() -> list[ApiRouter]:
    # Imported here, not at module level: nothing loads until an app is built.
    routers: list[ApiRouter] = []
    return routers


def setup_api(app: web.Application, title: str) -> None:
    for router in core_routers():
        router.install(app)
    openapi.setup_routes(app, title)
