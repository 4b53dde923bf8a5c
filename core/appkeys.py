"""Typed keys for what the web application carries."""

from aiohttp import web

from shequ.core.runtime import Runtime

RUNTIME = web.AppKey("shequ_runtime", Runtime)
# Every JSON endpoint installed on the app (the OpenAPI document is built from these).
API_ENDPOINTS = web.AppKey("shequ_api_endpoints", list)
