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

# -- pages: the distributor center (storefront) and the seller's admin pages ------------------
from shequ.core import hookimpl  # noqa: E402
from shequ.plugins.distribution import referral_links as _referral_links  # noqa: E402
from shequ.plugins.distribution.pages import STOREFRONT_TEMPLATES  # noqa: E402
from shequ.plugins.distribution.pages import admin as _admin_pages  # noqa: E402
from shequ.plugins.distribution.pages import center as _center  # noqa: E402
from shequ.plugins.distribution.pages.menu import account_menu_entry  # noqa: E402


@hookimpl
def shequ_routes(app):
    _center.add_routes(app)
    # Share links (?ref=CODE) work on every storefront page, so they need a middleware.
    _referral_links.install(app)


@hookimpl
def shequ_template_dirs():
    return [STOREFRONT_TEMPLATES]


@hookimpl
def shequ_admin_pages():
    return _admin_pages.admin_pages()


@hookimpl
async def shequ_slot(runtime, name, context):
    if name == "account.menu":
        return await account_menu_entry(runtime, context)
    return None
