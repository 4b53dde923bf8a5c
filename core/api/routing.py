"""Declare JSON endpoints once; the same declaration routes, validates and documents them.

Each domain area has an :class:`ApiRouter`. A handler receives the request and the validated
body (a pydantic model, or ``None``) and returns a JSON-able value or a ``web.Response``::

    router = ApiRouter(tag="catalog")

    @router.get("/products/{product_id}", summary="One product", auth="public")
    async def product(request, body): ...
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ValidationError

from shequ.core.appkeys import API_ENDPOINTS, RUNTIME
from shequ.core.errors import ShequError
from shequ.core.web.errors import ApiError

PREFIX = "/api/v1"
Auth = Literal["public", "customer", "optional"]
Handler = Callable[[web.Request, Any], Awaitable[Any]]


@dataclass
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: Auth = "public"
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    errors: dict[int, str] = field(default_factory=dict)


def json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def first_error(exc: ValidationError) -> tuple[str, str]:
    item = exc.errors()[0]
    loc = ".".join(str(p) for p in item["loc"] if p != "__root__")
    return loc, item["msg"]


async def parse_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    """Read and validate a JSON body; errors are 4xx JSON and nothing is written."""
    limit = request.app[RUNTIME].settings.server.max_body_bytes
    too_large = ApiError(413, "body_too_large", f"The request body is over {limit} bytes.")
    if (request.content_length or 0) > limit:
        raise too_large
    try:
        raw = await request.read()  # aiohttp enforces client_max_size (uploads) as well
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    if len(raw) > limit:
        raise too_large
    if not raw:
        raw = b"{}"
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "invalid_json", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "The request body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        loc, msg = first_error(exc)
        raise ApiError(422, "invalid", msg, field=loc or None) from None


def parse_query(request: web.Request, model: type[BaseModel]) -> BaseModel:
    try:
        return model.model_validate(dict(request.query))
    except ValidationError as exc:
        loc, msg = first_error(exc)
        raise ApiError(422, "invalid", msg, field=loc or None) from None


class ApiRouter:
    def __init__(self, tag: str):
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def route(self, method: str, path: str, **options: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.endpoints.append(
                Endpoint(method=method, path=path, handler=handler, tag=self.tag, **options)
            )
            return handler

        return register

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **options)

    def install(self, app: web.Application) -> None:
        for endpoint in self.endpoints:
            app.router.add_route(endpoint.method, PREFIX + endpoint.path, _wrap(endpoint))
        app.setdefault(API_ENDPOINTS, []).extend(self.endpoints)


def _wrap(endpoint: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        if endpoint.auth == "customer" and request.get("customer") is None:
            raise ApiError(401, "unauthenticated", "Please sign in first.")
        if endpoint.query is not None:
            request["query"] = parse_query(request, endpoint.query)
        body = await parse_body(request, endpoint.body) if endpoint.body is not None else None
        try:
            result = await endpoint.handler(request, body)
        except ShequError as exc:  # any domain error is a JSON error with its own status
            raise ApiError(exc.status, exc.code, exc.message, exc.field) from None
        if isinstance(result, web.StreamResponse):
            return result
        if isinstance(result, BaseModel):
            result = result.model_dump(mode="json")
        return web.json_response(result, status=endpoint.status, dumps=json_dumps)

    handle.__name__ = endpoint.handler.__name__
    handle.__doc__ = endpoint.summary
    # Markers set by decorators (e.g. csrf_exempt on signed callbacks) must stay visible.
    handle.__dict__.update(endpoint.handler.__dict__)
    return handle


def plain_path(path: str) -> str:
    """``/orders/{number:[A-Z0-9]{8}}`` -> ``/orders/{number}`` (braces may nest in patterns)."""
    out, depth, skipping = [], 0, False
    for char in path:
        if char == "{":
            depth += 1
            if depth == 1:
                out.append(char)
                skipping = False
                continue
        elif char == "}":
            depth -= 1
            if depth == 0:
                out.append(char)
                skipping = False
                continue
        if depth >= 1 and char == ":" and depth == 1:
            skipping = True
            continue
        if not skipping:
            out.append(char)
    return "".join(out)
