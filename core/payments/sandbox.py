"""The sandbox provider: a local cashier page that pays without money, for demos and tests.

It behaves like a real provider end to end: the pay page's "pay" button makes the *server*
POST a notification to ``/api/v1/payments/notify/sandbox``, signed with HMAC-SHA256 over the
canonical JSON of its data, under a key derived from ``platform.secret_key``. The notify
endpoint verifies it exactly as it would verify WeChat Pay's.

Enabled only for local deployments (``platform.base_url`` on a loopback host) unless the
``[payments] sandbox`` setting says otherwise, so a public shop never offers free orders.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from shequ.core.payments.models import PaymentState
from shequ.core.payments.providers import NotificationRejected, VerifiedNotification

if TYPE_CHECKING:
    from aiohttp import web

    from shequ.core.payments.models import Payment, Refund
    from shequ.core.runtime import Runtime

CODE = "sandbox"
NOTIFY_PATH = "/api/v1/payments/notify/sandbox"
_KEY_PURPOSE = b"shequ:payments:sandbox:v1"
_MIN_SECRET = 16


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sandbox_enabled(runtime: Runtime) -> bool:
    if len(runtime.settings.platform.secret_key) < _MIN_SECRET:
        return False  # an empty key would make every signature forgeable
    configured = runtime.settings.payments.sandbox
    if configured is not None:
        return bool(configured)
    return _loopback(runtime.settings.platform.base_url)


def signing_key(runtime: Runtime) -> bytes:
    """A key for this purpose only, derived from the platform secret."""
    secret = runtime.settings.platform.secret_key.encode()
    return hmac.new(secret, _KEY_PURPOSE, hashlib.sha256).digest()


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(runtime: Runtime, data: dict[str, Any]) -> str:
    return hmac.new(signing_key(runtime), canonical(data), hashlib.sha256).hexdigest()


def notification_body(runtime: Runtime, payment: Payment, status: str = "succeeded") -> dict:
    """What the sandbox "bank" sends when the buyer presses pay."""
    data = {
        "notification_id": "SBXN" + secrets.token_hex(12),
        "reference": payment.reference,
        "amount": payment.amount,
        "currency": payment.currency,
        "status": status,
        "transaction_id": "SBX" + secrets.token_hex(10),
    }
    return {"data": data, "signature": sign(runtime, data)}


def _field(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if type(value) is not kind:
        raise NotificationRejected(f"{name} is missing or not a {kind.__name__}")
    return value


class SandboxProvider:
    code = CODE

    async def start(
        self, runtime: Runtime, payment: Payment, request_info: dict[str, Any]
    ) -> dict[str, Any]:
        return {"pay_url": f"/pay/sandbox/{payment.reference}"}

    async def parse_notification(
        self, runtime: Runtime, request: web.Request
    ) -> VerifiedNotification:
        if not sandbox_enabled(runtime):
            raise NotificationRejected("the sandbox provider is disabled")
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            raise NotificationRejected("the body is not JSON") from None
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise NotificationRejected("no data")
        data, signature = body["data"], body.get("signature")
        if not isinstance(signature, str) or not hmac.compare_digest(
            signature, sign(runtime, data)
        ):
            raise NotificationRejected("bad signature")
        status = _field(data, "status", str)
        if status not in ("succeeded", "failed"):
            raise NotificationRejected(f"unknown status {status!r}")
        return VerifiedNotification(
            notification_id=_field(data, "notification_id", str),
            reference=_field(data, "reference", str),
            amount=_field(data, "amount", int),
            currency=_field(data, "currency", str),
            succeeded=status == "succeeded",
            provider_ref=_field(data, "transaction_id", str),
            payload=data,
        )

    async def refund(self, runtime: Runtime, refund: Refund) -> str:
        return "SBXR" + secrets.token_hex(10)

    async def query(self, runtime: Runtime, payment: Payment) -> str:
        # The sandbox "bank" is this server: a payment it accepted is already recorded here.
        return payment.state if payment.state == PaymentState.SUCCEEDED else PaymentState.PENDING
