"""The OpenAPI 3 document served at ``/api/v1/openapi.json``, built from the endpoints."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from shequ.core import __version__
from shequ.core.api.routing import PREFIX, Endpoint, json_dumps, plain_path
from shequ.core.appkeys import API_ENDPOINTS

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "field": {"type": ["string", "null"]},
            },
            "required": ["code", "message"],
        }
    },
}


def _schema(model, components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def document(endpoints: list[Endpoint], title: str) -> dict[str, Any]:
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for ep in endpoints:
        operation: dict[str, Any] = {
            "summary": ep.summary,
            "tags": [ep.tag],
            "operationId": f"{ep.tag}_{ep.handler.__name__}",
            "responses": {
                str(ep.status): {
                    "description": "OK",
                    "content": {
                        "application/json": {
                            "schema": _schema(ep.response, components) if ep.response else {}
                        }
                    },
                },
                "default": {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
        path = PREFIX + plain_path(ep.path)
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", path)
        ]
        if ep.query is not None:
            for name, field in ep.query.model_fields.items():
                parameters.append(
                    {
                        "name": field.alias or name,
                        "in": "query",
                        "required": field.is_required(),
                        "description": field.description or "",
                        "schema": {"type": "string"},
                    }
                )
        if parameters:
            operation["parameters"] = parameters
        if ep.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema(ep.body, components)}},
            }
        if ep.auth == "customer":
            operation["security"] = [{"session": []}, {"bearer": []}]
        paths.setdefault(path, {})[ep.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{title} API", "version": __version__},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "SHEQU_SESSION"},
                "bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }


def setup_routes(app: web.Application, title: str) -> None:
    async def openapi(request: web.Request) -> web.Response:
        endpoints = request.app.get(API_ENDPOINTS, [])
        return web.json_response(document(endpoints, title), dumps=json_dumps)

    app.router.add_get(PREFIX + "/openapi.json", openapi, name="openapi")
