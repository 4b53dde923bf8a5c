"""Value types that cross the hook boundary.

Hook implementations return these instead of free-form dicts so that the core can
validate, tag and explain every contribution. They are plain frozen dataclasses: cheap to
build in a plugin and easy to assert on in tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from shequ.core.runtime import Runtime


@dataclass(frozen=True)
class ModelApp:
    """A plugin's own tortoise app: its model modules and its migrations package."""

    label: str
    models: tuple[str, ...]
    migrations: str


@dataclass(frozen=True)
class CliCommand:
    """A ``shequ`` sub-command contributed by a plugin.

    ``configure`` adds arguments to the sub-parser; ``run`` is awaited with a started
    :class:`~shequ.core.runtime.Runtime` (database and jobs ready) and returns an exit code.
    """

    name: str
    help: str
    run: Callable[[Runtime, argparse.Namespace], Awaitable[int]]
    configure: Callable[[argparse.ArgumentParser], None] | None = None


@dataclass(frozen=True)
class AdminPage:
    """A page a plugin adds to the admin, guarded like the core's own pages.

    ``scope="shop"`` pages live at ``/admin/shops/{shop_id}/p/<plugin>/<path>`` and run in
    that shop's scope; ``handler(request, access)`` gets the checked access (``access.shop``).
    ``scope="platform"`` pages live at ``/admin/platform/p/<plugin>/<path>``, operators only;
    ``handler(request, staff)``. ``permission`` (e.g. ``"settings"``) limits a shop page to
    owners and operators. Render with ``shequ.core.admin.rendering.render`` to get the
    admin's layout, CSRF field and flashes.
    """

    path: str
    title: str
    handler: Callable[..., Awaitable[Any]]
    method: str = "GET"
    scope: str = "shop"
    permission: str | None = None
    in_menu: bool = True


@dataclass(frozen=True)
class Adjustment:
    """One labelled change to an order's total, in fen (negative = discount).

    ``line_key`` ties the adjustment to one order line (its SKU id as a string) or is
    ``None`` for an order-level adjustment such as shipping.
    """

    code: str
    label: str
    amount: int
    line_key: str | None = None
    plugin: str = ""


@dataclass(frozen=True)
class CommissionLine:
    """A commission proposed for one order line and one referral level (1 or 2)."""

    beneficiary_id: int
    level: int
    order_line_id: int | None
    amount: int
    rule: str
    rate_percent: float | None = None
    plugin: str = ""


@dataclass(frozen=True)
class ScoreComponent:
    """One published, explainable part of a shop's reputation score."""

    code: str
    label: str
    value: float
    weight: float
    explanation: str
    plugin: str = ""


@dataclass(frozen=True)
class ShareCard:
    """Fields of a share card (title, description, image URL, link) for Moments and chats."""

    title: str | None = None
    description: str | None = None
    image_url: str | None = None
    link: str | None = None
    plugin: str = ""


@dataclass(frozen=True)
class SlotContent:
    """HTML for a storefront slot. ``safe=False`` content is escaped by the core."""

    html: str
    safe: bool = False
    plugin: str = ""


@dataclass(frozen=True)
class Tagged:
    """A transform hook's result together with the plugin that produced it."""

    plugin: str
    value: Any
