"""A test plugin that uses every extension point a plugin has: settings, its own models and
migrations, routes, templates and static files, jobs and schedules, a CLI command, and hooks
of every kind. Tests enable it through ``plugins.paths``, as a deployment would."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from jinja2 import Environment, FileSystemLoader
from pydantic import BaseModel, ConfigDict, Field

from shequ.core import hookimpl
from shequ.core.hooktypes import AdminPage, CliCommand, ModelApp

HERE = Path(__file__).parent


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    greeting: str = "你好"
    max_notes: int = Field(default=10, ge=1, le=100)
    api_token: str = ""


@hookimpl
def shequ_models():
    return ModelApp(
        label="fullplugin",
        models=("tests.plugins.fullplugin.models",),
        migrations="tests.plugins.fullplugin.migrations",
    )


async def list_notes(request: web.Request) -> web.Response:
    from shequ.core.shops.scope import shop_scope
    from tests.plugins.fullplugin.models import Note

    shop_id = int(request.match_info["shop_id"])
    with shop_scope(shop_id):
        notes = await Note.all().values_list("text", flat=True)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    html = env.get_template("fullplugin/notes.html").render(notes=notes)
    return web.Response(text=html, content_type="text/html")


@hookimpl
def shequ_routes(app):
    app.router.add_get("/p/fullplugin/{shop_id:\\d+}/notes", list_notes)


@hookimpl
def shequ_template_dirs():
    return [HERE / "templates"]


@hookimpl
def shequ_static_dir():
    return HERE / "static"


@hookimpl
def shequ_jobs(runtime, jobs):
    @jobs.handler("fullplugin.add_note")
    async def add_note(runtime, payload):
        from shequ.core.shops.scope import shop_scope
        from tests.plugins.fullplugin.models import Note

        with shop_scope(payload["shop_id"]):
            await Note.create(text=payload["text"])

    @jobs.handler("fullplugin.tick")
    async def tick(runtime, payload):
        runtime.state["fullplugin.ticks"] = runtime.state.get("fullplugin.ticks", 0) + 1

    jobs.every(3600, "fullplugin.tick")


async def count_notes(runtime, args) -> int:
    from shequ.core.shops.scope import ALL_SHOPS, shop_scope
    from tests.plugins.fullplugin.models import Note

    with shop_scope(ALL_SHOPS):
        print(f"notes: {await Note.all().count()}")
    return 0


async def notes_admin(request: web.Request, access) -> web.Response:
    from shequ.core.admin.rendering import render
    from tests.plugins.fullplugin.models import Note

    notes = await Note.all().values_list("text", flat=True)  # runs in the shop's scope
    return await render(request, "error.html", {"status": 200, "message": " / ".join(notes)})


@hookimpl
def shequ_admin_pages():
    return [AdminPage(path="notes", title="便签", handler=notes_admin)]


@hookimpl
def shequ_cli_commands():
    return [CliCommand(name="fullplugin-notes", help="count notes", run=count_notes)]


@hookimpl
async def shequ_startup(runtime):
    runtime.state["fullplugin.started"] = True


@hookimpl
async def shequ_shutdown(runtime):
    runtime.state["fullplugin.stopped"] = True
