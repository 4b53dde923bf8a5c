"""What a payment provider is, and which ones a runtime has.

Providers are the built-ins (``manual``, ``sandbox``) plus whatever plugins contribute through
``shequ_payment_providers``. A plugin provider may replace a built-in by using its code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from aiohttp import web

    from shequ.core.payments.models import Payment, Refund
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

STATE_KEY = "payments.providers"


@dataclass(frozen=True)
class VerifiedNotification:
    """A provider's notification whose signature has been checked.

    ``notification_id`` is the provider's id for this message (replays repeat it);
    ``succeeded`` is False when the provider reports a failed or closed payment.
    """

    notification_id: str
    reference: str
    amount: int
    currency: str
    succeeded: bool = True
    provider_ref: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


class NotificationRejected(Exception):
    """The notification is not genuine or cannot be read; answered with 400, nothing changes."""


@runtime_checkable
class PaymentProvider(Protocol):
    code: str

    async def start(
        self, runtime: Runtime, payment: Payment, request_info: dict[str, Any]
    ) -> dict[str, Any]:
        """What the client needs to pay (a URL, JSAPI parameters, instructions)."""
        ...

    async def parse_notification(
        self, runtime: Runtime, request: web.Request
    ) -> VerifiedNotification:
        """Read and verify an incoming notification; raise :class:`NotificationRejected`."""
        ...

    async def refund(self, runtime: Runtime, refund: Refund) -> str:
        """Give the money back; returns the provider's refund reference. Raise on failure."""
        ...

    async def query(self, runtime: Runtime, payment: Payment) -> str:
        """The provider's view of the payment: a :class:`PaymentState` value."""
        ...


async def providers(runtime: Runtime) -> dict[str, PaymentProvider]:
    """The runtime's providers by code, built once and kept in ``runtime.state``."""
    found = runtime.state.get(STATE_KEY)
    if found is not None:
        return found
    from shequ.core.payments.manual import ManualProvider
    from shequ.core.payments.sandbox import SandboxProvider

    found = {"manual": ManualProvider(), "sandbox": SandboxProvider()}
    for tagged in await runtime.hooks.transform("shequ_payment_providers"):
        for provider in tagged.value:
            if not isinstance(provider, PaymentProvider) or not getattr(provider, "code", ""):
                raise TypeError(f"{tagged.plugin}: {provider!r} is not a PaymentProvider")
            if provider.code in found:
                log.info("payment provider %r replaced by %s", provider.code, tagged.plugin)
            found[provider.code] = provider
    runtime.state[STATE_KEY] = found
    return found
