"""How long an order may wait: unpaid before it expires, shipped before it auto-completes.

The values belong in ``shequ.toml`` (``[orders] unpaid_window_minutes`` and
``auto_complete_days``); until the settings model has that section these constants apply.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from shequ.core.config.settings import OrderSettings

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

# The defaults of [orders] in shequ.toml.
UNPAID_WINDOW_MINUTES = OrderSettings.model_fields["unpaid_window_minutes"].default
AUTO_COMPLETE_DAYS = OrderSettings.model_fields["auto_complete_days"].default


def unpaid_window(runtime: Runtime) -> dt.timedelta:
    """``[orders] unpaid_window_minutes`` (default 30)."""
    return dt.timedelta(minutes=runtime.settings.orders.unpaid_window_minutes)


def auto_complete_after(runtime: Runtime) -> dt.timedelta:
    """``[orders] auto_complete_days`` (default 10)."""
    return dt.timedelta(days=runtime.settings.orders.auto_complete_days)
