"""The sandbox cashier page: GET shows the payment, POST "pays" it.

Paying makes this server send the signed notification to its own notification endpoint over
HTTP, on the address the request arrived at (a loopback or local address - never a host name
taken from the request, which a client controls).
"""

from __future__ import annotations

import html
import logging

import aiohttp
from aiohttp import web

from shequ.core.appkeys import RUNTIME
from shequ.core.payments.models import Payment, PaymentState
from shequ.core.payments.sandbox import NOTIFY_PATH, notification_body, sandbox_enabled
from shequ.core.web.csrf import FORM_FIELD, csrf_token

log = logging.getLogger(__name__)

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox payment {reference}</title></head>
<body style="font-family: sans-serif; max-width: 375px; margin: 2em auto; padding: 0 1em">
<h1>沙箱支付 Sandbox payment</h1>
<p>No money moves here: this page stands in for a real payment provider.</p>
<p>Reference <code>{reference}</code><br>Amount <strong>{amount}</strong><br>State
<strong id="state">{state}</strong></p>
{message}{form}
</body></html>"""

FORM = """<form method="post">{csrf}
<button type="submit" name="action" value="pay" style="font-size: 1.2em">Pay 支付</button>
</form>"""


def _money(fen: int, currency: str) -> str:
    return f"{currency} {fen // 100}.{fen % 100:02d}"


def _csrf_field(request: web.Request) -> str:
    try:
        token = csrf_token(request)
    except RuntimeError:  # no session loaded (a bearer-token client): no form to protect
        return ""
    return f'<input type="hidden" name="{FORM_FIELD}" value="{html.escape(token)}">'


async def _payment(request: web.Request) -> Payment:
    if not sandbox_enabled(request.app[RUNTIME]):
        raise web.HTTPNotFound(text="The sandbox provider is disabled.")
    payment = await Payment.get_or_none(reference=request.match_info["reference"])
    if payment is None:
        raise web.HTTPNotFound(text="No such payment.")
    return payment


async def page(request: web.Request) -> web.Response:
    payment = await _payment(request)
    result = request.query.get("result", "")
    message = f"<p>Result: <strong>{html.escape(result)}</strong></p>" if result else ""
    form = FORM.format(csrf=_csrf_field(request)) if payment.state == PaymentState.PENDING else ""
    body = PAGE.format(
        reference=html.escape(payment.reference),
        amount=html.escape(_money(payment.amount, payment.currency)),
        state=html.escape(payment.state),
        message=message,
        form=form,
    )
    return web.Response(text=body, content_type="text/html")


def _own_address(request: web.Request) -> str:
    """Where this server listens, from the socket the request came in on."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sockname, tuple) and len(sockname) >= 2:
        host, port = sockname[0], sockname[1]
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"
    return request.app[RUNTIME].settings.platform.base_url.rstrip("/")


async def pay(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    payment = await _payment(request)
    result = payment.state
    if payment.state == PaymentState.PENDING:
        url = _own_address(request) + NOTIFY_PATH
        timeout = aiohttp.ClientTimeout(total=15)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.post(url, json=notification_body(runtime, payment)) as answer:
                    data = await answer.json(content_type=None)
            result = data.get("outcome") or data.get("error", {}).get("code", "error")
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("sandbox notification for %s failed: %s", payment.reference, exc)
            result = "error"
    raise web.HTTPSeeOther(f"/pay/sandbox/{payment.reference}?result={result}")


def setup_routes(app: web.Application) -> None:
    app.router.add_get(r"/pay/sandbox/{reference:[A-Z0-9]{1,32}}", page, name="sandbox_pay")
    app.router.add_post(r"/pay/sandbox/{reference:[A-Z0-9]{1,32}}", pay)
