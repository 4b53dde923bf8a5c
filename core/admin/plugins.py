"""The plugins page: what is enabled, its (redacted) settings and hooks, and this shop's
overrides, validated by the plugin's own settings model.

Each settings key is one row: the deployment default, the shop's effective value, and an
"override" checkbox with the value. Keys the platform locks are shown read-only; secret
keys are never echoed back (leaving the box empty keeps the stored secret).
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from shequ.core.admin.flash import flash, see_other
from shequ.core.admin.guard import SETTINGS, Denied, ShopAccess, shop_page
from shequ.core.admin.rendering import render
from shequ.core.appkeys import RUNTIME
from shequ.core.cli.commands import plugin_report
from shequ.core.config.errors import ConfigError
from shequ.core.config.secrets import REDACTED, is_secret_key
from shequ.core.shops.models import ShopPluginSetting

MAX_VALUE = 10_000


@dataclass
class SettingRow:
    key: str
    description: str
    default: str
    effective: str
    overridden: bool
    value: str  # what the input shows
    locked: bool
    secret: bool


@dataclass
class PluginView:
    report: dict[str, Any]
    rows: list[SettingRow] = field(default_factory=list)
    updated_by: str = ""


def _is_text(annotation: Any) -> bool:
    """A str field (or an optional one) takes the input verbatim; others are read as JSON."""
    if annotation is str:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return len(args) == 1 and args[0] is str
    return False


def _shown(value: Any, *, text: bool) -> str:
    if value is None:
        return "" if text else "null"
    if text and isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def parse_value(raw: str, *, text: bool) -> Any:
    """The typed value: verbatim for text fields, else JSON (``10``, ``[10, 5]``, ``true``),
    else the bare word (``protected`` for a choice). Decimals stay exact (kept as strings)."""
    if text:
        return raw
    try:
        return json.loads(raw, parse_float=str)
    except ValueError:
        return raw


def _fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    return [
        (info.alias or name, info)
        for name, info in model.model_fields.items()
        if not info.exclude  # declared only to be refused (e.g. entry fees)
    ]


async def _plugin_views(runtime, shop_id: int) -> list[PluginView]:
    views = []
    secret_paths = set(runtime.settings.secret_paths)
    for entry in plugin_report(runtime):
        view = PluginView(entry)
        views.append(view)
        if not entry["enabled"]:
            continue
        name = entry["name"]
        loaded = runtime.plugins.plugins[name]
        locked = runtime.plugin_settings.locked_keys(name)
        defaults = loaded.settings.model_dump(mode="json", by_alias=True)
        effective = (await runtime.plugin_settings.for_shop(name, shop_id)).model_dump(
            mode="json", by_alias=True
        )
        row = await ShopPluginSetting.get_or_none(shop_id=shop_id, plugin=name)
        overrides = row.values if row is not None else {}
        view.updated_by = row.updated_by if row is not None else ""
        for key, info in _fields(loaded.settings_model):
            secret = is_secret_key(f"plugins.{name}.{key}", secret_paths)
            text = _is_text(info.annotation)

            def shown(value: Any, secret: bool = secret, text: bool = text) -> str:
                if secret and value not in (None, ""):
                    return REDACTED
                return _shown(value, text=text)

            view.rows.append(
                SettingRow(
                    key=key,
                    description=info.description or "",
                    default=shown(defaults.get(key)),
                    effective=shown(effective.get(key)),
                    overridden=key in overrides and key not in locked,
                    value=""
                    if secret
                    else _shown(overrides.get(key, defaults.get(key)), text=text),
                    locked=key in locked,
                    secret=secret,
                )
            )
    return views


async def _page(request: web.Request, access: ShopAccess, *, error=None, failed=None, status=200):
    views = await _plugin_views(request.app[RUNTIME], access.shop.id)
    context = {
        "plugins": views,
        "can_edit": access.can(SETTINGS),
        "error": error,
        "failed_plugin": failed,
        "lock_source": "platform.locked",
    }
    return await render(request, "plugins.html", context, status=status)


@shop_page()
async def plugin_list(request: web.Request, access: ShopAccess) -> web.Response:
    return await _page(request, access)


@shop_page(permission=SETTINGS)
async def plugin_settings_update(request: web.Request, access: ShopAccess) -> web.Response:
    runtime = request.app[RUNTIME]
    name = request.match_info["plugin"]
    loaded = runtime.plugins.plugins.get(name)
    if loaded is None:
        raise Denied(404, "没有启用这个插件。")
    form = await request.post()
    fields = dict(_fields(loaded.settings_model))
    existing = await ShopPluginSetting.get_or_none(shop_id=access.shop.id, plugin=name)
    stored = existing.values if existing is not None else {}
    secret_paths = set(runtime.settings.secret_paths)
    values: dict[str, Any] = {}
    for input_name in form:
        if not input_name.startswith("override:"):
            continue
        key = input_name.removeprefix("override:")
        raw = form.get(f"value:{key}", "")
        if not isinstance(raw, str) or len(raw) > MAX_VALUE:
            return await _page(
                request, access, error=f"plugins.{name}.{key}: too long", failed=name, status=422
            )
        info = fields.get(key)
        if is_secret_key(f"plugins.{name}.{key}", secret_paths) and raw == "" and key in stored:
            values[key] = stored[key]  # an empty secret box keeps the stored secret
            continue
        # Unknown and locked keys go through too: the settings service refuses them by name.
        values[key] = parse_value(raw, text=info is not None and _is_text(info.annotation))
    try:
        await runtime.plugin_settings.set_for_shop(name, access.shop.id, values, access.actor)
    except ConfigError as exc:
        return await _page(request, access, error=str(exc), failed=name, status=422)
    await flash(request, f"已保存插件 {name} 的店铺设置。")
    raise see_other(f"/admin/shops/{access.shop.id}/plugins#plugin-{name}")
