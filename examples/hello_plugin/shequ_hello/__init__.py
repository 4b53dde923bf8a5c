"""shequ-hello: the smallest useful third-party Shequ plugin.

It shows the three things most plugins start with: a validated settings model, an HTTP
route, and content for a storefront slot. Enable it in ``shequ.toml``::

    [plugins]
    enabled = ["hello"]

    [plugins.hello]
    greeting = "欢迎光临"
"""

from __future__ import annotations

import html
import json

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from shequ.core import hookimpl
from shequ.core.appkeys import RUNTIME
from shequ.core.hooktypes import SlotContent

# The name this plugin is enabled under (the entry point's name in pyproject.toml).
NAME = "hello"


class Settings(BaseModel):
    """``[plugins.hello]``; unknown keys are refused at start-up with the key's name."""

    model_config = ConfigDict(extra="forbid")

    greeting: str = Field(default="你好", min_length=1, max_length=100)


def settings_of(runtime) -> Settings:
    return runtime.plugin_settings.defaults(NAME)


async def greet(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    return web.json_response(
        {"greeting": settings_of(runtime).greeting},
        # Keep Chinese readable in the body instead of \uXXXX escapes.
        dumps=lambda value: json.dumps(value, ensure_ascii=False),
    )


@hookimpl
def shequ_routes(app: web.Application) -> None:
    app.router.add_get(f"/p/{NAME}/", greet, name=f"{NAME}.greet")


@hookimpl
def shequ_slot(runtime, name: str) -> SlotContent | None:
    if name != "home.sections":
        return None
    # The greeting comes from config, so it is escaped before being wrapped in our own markup.
    greeting = html.escape(settings_of(runtime).greeting)
    return SlotContent(f'<p class="hello-greeting">{greeting}</p>', safe=True)
