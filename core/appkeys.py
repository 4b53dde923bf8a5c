"""Typed keys for what the web application carries."""

from aiohttp import web
from shequ.core.runtime import Runtime

RUNTIME = web.AppKey("shequ_runtime", Runtime)
