"""Inbound platform events: a channel plugin verifies and de-duplicates, then asks here."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)


async def answer_inbound(runtime: Runtime, channel: str, event: dict[str, Any]) -> Any:
    """The first plugin's reply to a verified event, or ``None`` when nobody answers."""
    reply = await runtime.hooks.decide("shequ_inbound_event", channel=channel, event=event)
    if reply is None:
        log.info("no plugin answered %s event %s", channel, event.get("type", "?"))
    return reply
