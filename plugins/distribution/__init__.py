"""The built-in ``distribution`` plugin: settings, default commission rules, order observers.

Enable it in ``shequ.toml``::

    [plugins]
    enabled = ["distribution"]

    [plugins.distribution]
    levels = 1            # 2 at most (禁止传销条例 art. 7)
    rates = [10]          # percent of what was paid for a line, one per level
    cap_percent = 30

The engine (``shequ.core.distribution``) enforces the compliance rules whatever these
settings or any other plugin say; this plugin only proposes commission at the configured
rates and tells the engine about order events.
"""

from __future__ import annotations

from shequ.core.distribution.settings import DistributionSettings as Settings
from shequ.plugins.distribution.commands import shequ_cli_commands
from shequ.plugins.distribution.default_rules import shequ_commission_plan
from shequ.plugins.distribution.observers import (
    shequ_order_cancelled,
    shequ_order_completed,
    shequ_order_paid,
    shequ_order_refunded,
)

__all__ = [
    "Settings",
    "shequ_cli_commands",
    "shequ_commission_plan",
    "shequ_order_cancelled",
    "shequ_order_completed",
    "shequ_order_paid",
    "shequ_order_refunded",
]
