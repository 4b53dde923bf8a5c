"""Security headers on responses, and templates that cannot reach secrets."""

from __future__ import annotations

import pytest

from shequ.core.storefront.security import CONTENT_SECURITY_POLICY

SECRET = "test-secret-key-0123456789abcdef"  # tests/conftest.py's platform.secret_key

PROBES = [
    "{{ settings }}{{ config }}{{ runtime }}{{ request }}{{ app }}{{ secret_key }}",
    "{{ platform }}{{ platform.secret_key }}{{ shop }}{{ theme }}{{ customer }}",
    "{% for key, value in theme.options.items() %}{{ key }}={{ value }};{% endfor %}",
    "{{ slot.__globals__ }}{{ slot.__closure__ }}{{ asset_url.__closure__ }}",
    "{{ csrf_token._request }}{{ csrf_token.__dict__ }}{{ shequ_translations.__dict__ }}",
    "{{ lipsum.__globals__ }}{{ self._TemplateReference__context }}",
    "{{ platform.__class__.__init__.__globals__ }}",
    "{{ theme.options.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}{{ namespace.__init__.__globals__ }}",
    "{{ slot.__globals__['__builtins__'] }}",
    "{{ (lipsum|attr('__globals__')) }}",
    # Without the sandbox these two would print the secret: the globals close over the engine.
    "{{ slot.__closure__[0].cell_contents.runtime.settings.platform.secret_key }}",
    "{{ (asset_url|attr('__closure__'))[0].cell_contents.runtime.settings }}",
]


async def test_html_pages_carry_the_csp_and_security_headers(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    response = await client.get("/")
    assert response.status == 200
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


async def test_error_and_json_responses_get_nosniff_but_no_csp(aiohttp_client, make_app):
    client = await aiohttp_client(make_app())
    missing = await client.get("/static/t/default/nothing.css")
    assert missing.status == 404
    assert missing.headers["X-Content-Type-Options"] == "nosniff"
    health = await client.get("/healthz")
    assert health.content_type == "application/json"
    assert health.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in health.headers
    # The HTML 404 page of the storefront gets the CSP too.
    page = await client.get("/pages/nothing-here")
    assert page.status == 404
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("probe", PROBES)
async def test_templates_cannot_reveal_the_secret_key(aiohttp_client, theme_app, probe, caplog):
    app = theme_app({"templates/pages/probe.html": probe})
    client = await aiohttp_client(app)
    response = await client.get("/pages/probe")
    text = await response.text()
    assert SECRET not in text
    if response.status == 500:
        # The sandbox refused the access outright.
        assert "SecurityError" in caplog.text or "UndefinedError" in caplog.text
    else:
        assert response.status == 200, text
    assert SECRET not in caplog.text


async def test_views_print_only_whitelisted_fields(aiohttp_client, theme_app):
    app = theme_app({"templates/pages/probe.html": PROBES[1] + PROBES[2]})
    client = await aiohttp_client(app)
    text = await (await client.get("/pages/probe")).text()
    assert (
        "PlatformView(name=&#39;Shequ&#39;, currency=&#39;CNY&#39;, language=&#39;zh_CN&#39;, mode=&#39;single&#39;)"
        in text
    )
    assert "brand_color=#e4393c;" in text
