"""Payments API: start a payment, and the providers' notification endpoint.

The router also installs the sandbox cashier pages (``/pay/sandbox/{reference}``), which are
HTML rather than JSON. The notification endpoint is exempt from CSRF checks: it is
authenticated by the provider's signature, and providers post whatever content type they use.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from shequ.core.api.routing import ApiRouter
from shequ.core.appkeys import RUNTIME
from shequ.core.orders.errors import api_errors
from shequ.core.payments import notifications, sandbox_pages
from shequ.core.payments.service import start_payment
from shequ.core.web.csrf import csrf_exempt
from shequ.core.web.errors import ApiError

NOTIFY_PATH = "/payments/notify/{provider:[a-z0-9_]{1,32}}"


class PaymentsRouter(ApiRouter):
    def install(self, app: web.Application) -> None:
        super().install(app)
        sandbox_pages.setup_routes(app)


router = PaymentsRouter(tag="payments")


class StartBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: str | None = Field(default=None, max_length=32, description="e.g. wechat_pay")


@router.post(
    "/payments/{reference:[A-Z0-9]{1,32}}/start",
    summary="Start paying: choose the provider and get what the client needs to pay",
    auth="customer",
    body=StartBody,
    errors={404: "no such payment of yours", 409: "already paid, cancelled or expired"},
)
@api_errors
async def start(request: web.Request, body: StartBody) -> dict[str, Any]:
    return await start_payment(
        request.app[RUNTIME],
        request["customer"].id,
        request.match_info["reference"],
        requested=body.provider,
        user_agent=request.headers.get("User-Agent", ""),
        request_info={"remote": request.remote, "user_agent": request.headers.get("User-Agent")},
    )


@router.post(
    NOTIFY_PATH,
    summary="A payment provider's notification (verified by its signature; safe to replay)",
    auth="public",
    errors={400: "forged, unreadable, or not matching the payment (recorded)"},
)
@api_errors
@csrf_exempt
async def notify(request: web.Request, body: None) -> Any:
    provider = request.match_info["provider"]
    outcome = await notifications.receive(request.app[RUNTIME], provider, request)
    if not outcome.accepted:
        raise ApiError(400, outcome.code, outcome.message)
    return {"outcome": outcome.code, "reference": outcome.reference, "replayed": outcome.replayed}
