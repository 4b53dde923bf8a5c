"""Typed keys for what the web application carries."""

from aiohttp import web
from jinja2 import Environment

from shequ.core.runtime import Runtime

RUNTIME = web.AppKey("shequ_runtime", Runtime)
# Every JSON endpoint installed on the app (the OpenAPI document is built from these).
API_ENDPOINTS = web.AppKey("shequ_api_endpoints", list)
# The admin's own Jinja2 environment (core/admin/templates).
ADMIN_TEMPLATES = web.AppKey("shequ_admin_templates", Environment)
# Menu entries of the admin pages plugins add (scope, path tail, title).
ADMIN_PLUGIN_PAGES = web.AppKey("shequ_admin_plugin_pages", list)
