"""The app factory: ``create_app(settings) -> web.Application``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from types import ModuleType

from aiohttp import web

from shequ.core.accounts.middleware import authenticate
from shequ.core.admin import setup_admin
from shequ.core.api.setup import setup_api
from shequ.core.appkeys import RUNTIME
from shequ.core.catalog.storage import media_dir
from shequ.core.config.settings import Settings
from shequ.core.runtime import Runtime
from shequ.core.storefront.routes import setup_storefront
from shequ.core.storefront.security import security_headers
from shequ.core.web import health
from shequ.core.web.csrf import csrf_protect
from shequ.core.web.middleware import api_errors, request_context
from shequ.core.web.session import sessions


def create_app(
    settings: Settings,
    *,
    extra_plugins: dict[str, ModuleType] | None = None,
    on_hook_call: Callable[[str], None] | None = None,
    run_jobs: bool = True,
) -> web.Application:
    """Build a web application with its own runtime (plugins, database, jobs).

    The database and the job runner start when the app starts (``cleanup_ctx``) and stop
    with it. Plugins are loaded here, so config and plugin errors surface before serving.
    """
    runtime = Runtime(settings, extra_plugins=extra_plugins, on_hook_call=on_hook_call)
    app = web.Application(
        # Sessions load before authentication reads them; CSRF checks need to know how the
        # request authenticated (bearer tokens are exempt).
        middlewares=[
            security_headers,
            request_context,
            api_errors,
            sessions(settings),
            authenticate,
            csrf_protect,
        ],
        client_max_size=settings.server.max_upload_bytes,
    )
    app[RUNTIME] = runtime

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        async with runtime.running(run_jobs=run_jobs):
            yield

    app.cleanup_ctx.append(lifecycle)
    health.setup_routes(app)
    setup_api(app, settings.platform.name)
    app.router.add_static(settings.media.url_prefix, media_dir(settings, create=True))
    runtime.hooks.setup_sync("shequ_routes", app=app)
    for tagged in runtime.hooks.setup_sync("shequ_static_dir"):
        app.router.add_static(f"/static/plugins/{tagged.plugin}/", tagged.value)
    setup_storefront(app, runtime)
    setup_admin(app, runtime)
    return app
