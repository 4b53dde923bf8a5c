"""Install every core API router and the OpenAPI document on an app."""

from __future__ import annotations

from aiohttp import web

from shequ.core.api import openapi
from shequ.core.api.routing import ApiRouter


def core_routers() -> list[ApiRouter]:
    # Imported here, not at module level: nothing loads until an app is built.
    routers: list[ApiRouter] = []
    from shequ.core.accounts.api import router as accounts_router

    routers.append(accounts_router)
    from shequ.core.catalog.api import router as catalog_router

    routers.append(catalog_router)
    from shequ.core.reputation.api import router as reputation_router

    routers.append(reputation_router)
    from shequ.core.distribution.api import router as distribution_router

    routers.append(distribution_router)
    from shequ.core.checkout.api import router as checkout_router

    routers.append(checkout_router)
    from shequ.core.orders.api import router as orders_router

    routers.append(orders_router)
    from shequ.core.payments.api import router as payments_router

    routers.append(payments_router)
    return routers


def setup_api(app: web.Application, title: str) -> None:
    for router in core_routers():
        router.install(app)
    openapi.setup_routes(app, title)
