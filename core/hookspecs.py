"""Every hook a Shequ plugin can implement, in one place.

Each specification is a contract: when the core calls it, what each argument is, what the
return value means, and its **kind**, which says how results are combined:

``setup``
    Called while an app or CLI runtime starts; every implementation runs in plugin order and an
    exception stops start-up, naming the plugin.
``validate``
    May veto an action by returning a reason (a string shown to the user). Runs before any
    write. Every implementation runs; the first reason wins and nothing is written.
``transform``
    Contributes values. Every result that is not ``None`` is collected and tagged with the
    plugin that produced it (:class:`~shequ.core.hooktypes.Tagged`), so a total can be explained.
``decide``
    Picks one answer. Implementations run in call order and the first non-``None`` result wins;
    later implementations are not called. This holds for ``async def`` implementations too.
``observe``
    Is told that something happened. The core writes one outbox job per implementation in the
    same database transaction as the change, and the job runner delivers it after commit with
    retries. A failing observer is retried and then dead-lettered; it never undoes the change.
    Arguments are JSON values (ids, amounts, codes), because they travel through the outbox.

Every implementation may be ``async def``; the core awaits whatever is awaitable. Any
implementation may omit arguments it does not need. ``runtime`` is the running
:class:`~shequ.core.runtime.Runtime` (settings, hooks, jobs, per-shop plugin settings).

Hook names are all prefixed ``shequ_``. The reference in ``docs/hooks.md`` is generated from
this module (``shequ hooks --markdown``) and a test keeps the two in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shequ.core.pluginsys.markers import hookspec

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from aiohttp import web

    from shequ.core.hooktypes import (
        Adjustment,
        AdminPage,
        CliCommand,
        CommissionLine,
        ModelApp,
        ScoreComponent,
        ShareCard,
        SlotContent,
    )
    from shequ.core.jobs.registry import JobRegistry
    from shequ.core.runtime import Runtime

KINDS = ("setup", "validate", "transform", "decide", "observe")


def kind(name: str, area: str):
    """Tag a hookspec with its kind and the area it belongs to (used by dispatch and docs)."""
    assert name in KINDS, name

    def tag(fn):
        fn.shequ_kind = name
        fn.shequ_area = area
        return fn

    return tag


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------


@hookspec
@kind("setup", "lifecycle")
def shequ_models(runtime: Runtime) -> ModelApp | None:
    """Declare the plugin's own tortoise app (models and migrations package).

    Called once when a runtime builds its database configuration, before the database opens.

    :param runtime: the runtime being started.
    :return: a :class:`~shequ.core.hooktypes.ModelApp` whose ``label`` is the tortoise app
        label (by convention the plugin name), or ``None`` when the plugin has no models.
    """


@hookspec
@kind("setup", "lifecycle")
async def shequ_startup(runtime: Runtime) -> None:
    """Called after the database is open and migrations are checked, before serving.

    Use it to warm caches or check remote credentials. An exception stops start-up.

    :param runtime: the started runtime.
    """


@hookspec
@kind("setup", "lifecycle")
async def shequ_shutdown(runtime: Runtime) -> None:
    """Called when the runtime stops, before the database closes. Exceptions are logged.

    :param runtime: the stopping runtime.
    """


@hookspec
@kind("setup", "lifecycle")
def shequ_routes(runtime: Runtime, app: web.Application) -> None:
    """Add the plugin's HTTP routes to the web application.

    Called once by ``create_app``. Prefix routes with the plugin name (``/p/<name>/...`` for
    pages, ``/api/v1/<name>/...`` for JSON) so plugins never collide.

    :param runtime: the runtime the app belongs to.
    :param app: the ``aiohttp.web.Application`` being built; add routes to ``app.router``.
    """


@hookspec
@kind("setup", "lifecycle")
def shequ_jobs(runtime: Runtime, jobs: JobRegistry) -> None:
    """Register job handlers and schedules.

    Called once per runtime, before the job runner starts.

    :param runtime: the runtime being started.
    :param jobs: the registry; use ``jobs.handler(name)`` to register a handler and
        ``jobs.every(seconds, name)`` / ``jobs.daily("HH:MM", name)`` for schedules.
    """


@hookspec
@kind("setup", "lifecycle")
def shequ_cli_commands() -> list[CliCommand] | None:
    """Contribute ``shequ`` sub-commands (shown only while the plugin is enabled).

    Called when the CLI builds its parser, before any runtime starts.

    :return: a list of :class:`~shequ.core.hooktypes.CliCommand`.
    """


@hookspec
@kind("setup", "lifecycle")
def shequ_admin_pages(runtime: Runtime) -> list[AdminPage] | None:
    """Add pages to the seller and platform admin (``/admin``).

    Called once when the app is built. The admin guards each page like its own: shop pages
    check the signed-in staff member may manage that shop and run in its shop scope; platform
    pages are for operators only. Menu entries appear for ``GET`` pages with ``in_menu``.

    :param runtime: the runtime the app belongs to.
    :return: a list of :class:`~shequ.core.hooktypes.AdminPage`.
    """


@hookspec
@kind("setup", "lifecycle")
def shequ_template_dirs() -> list[Path] | None:
    """Folders holding the plugin's Jinja2 templates, searched after the theme chain.

    :return: a list of folders; templates are addressed by their path inside the folder.
    """


@hookspec
@kind("setup", "lifecycle")
def shequ_static_dir() -> Path | None:
    """The plugin's static folder, served under ``/static/plugins/<plugin name>/``.

    :return: a folder, or ``None``.
    """


# ---------------------------------------------------------------------------------------------
# Catalog
# ---------------------------------------------------------------------------------------------


@hookspec
@kind("transform", "catalog")
def shequ_product_filters(runtime: Runtime, shop_id: int | None, params: dict[str, Any]) -> Any:
    """Narrow a storefront or API product listing.

    Called for every product listing before the query runs; the query is already scoped to
    published products (and to ``shop_id`` when given).

    :param runtime: the running runtime.
    :param shop_id: the shop being browsed, or ``None`` for a cross-shop listing.
    :param params: the listing's query parameters (strings).
    :return: keyword filters as a ``dict`` or a tortoise ``Q`` object; all results are
        combined with AND. ``None`` adds nothing.
    """


@hookspec
@kind("transform", "catalog")
def shequ_product_extras(runtime: Runtime, product: Any) -> dict[str, Any] | None:
    """Add display extras (badges, labels) to a product shown in a listing or detail page.

    :param runtime: the running runtime.
    :param product: the ``Product`` model instance (read-only; do not save it).
    :return: a dict such as ``{"badges": ["拼团"]}``; results are merged, lists concatenated.
    """


@hookspec
@kind("observe", "catalog")
def shequ_product_saved(runtime: Runtime, product_id: int, shop_id: int, created: bool) -> None:
    """A product was created or changed (after commit).

    :param product_id: the product's id.
    :param shop_id: the owning shop.
    :param created: ``True`` for a new product.
    """


@hookspec
@kind("observe", "catalog")
def shequ_stock_changed(
    runtime: Runtime, sku_id: int, shop_id: int, old_stock: int, new_stock: int
) -> None:
    """A SKU's stock changed (after commit): by an order, a cancellation or the seller.

    :param sku_id: the SKU's id.
    :param shop_id: the owning shop.
    :param old_stock: stock before the change.
    :param new_stock: stock after the change.
    """


@hookspec
@kind("observe", "catalog")
def shequ_out_of_stock(runtime: Runtime, sku_id: int, shop_id: int) -> None:
    """A SKU's stock reached zero (after commit).

    :param sku_id: the SKU's id.
    :param shop_id: the owning shop.
    """


@hookspec
@kind("observe", "catalog")
def shequ_back_in_stock(runtime: Runtime, sku_id: int, shop_id: int, stock: int) -> None:
    """A SKU went from zero to positive stock (after commit); e.g. notify waiting buyers.

    :param sku_id: the SKU's id.
    :param shop_id: the owning shop.
    :param stock: the new stock.
    """


# ---------------------------------------------------------------------------------------------
# Checkout: cart validation, pricing, payment providers
# ---------------------------------------------------------------------------------------------


@hookspec
@kind("validate", "checkout")
def shequ_validate_cart_line(
    runtime: Runtime, customer_id: int | None, sku_id: int, shop_id: int, quantity: int
) -> str | None:
    """May refuse adding or changing a cart line (before it is written).

    :param customer_id: the buyer, or ``None`` for a guest.
    :param sku_id: the SKU being added.
    :param shop_id: the shop selling it.
    :param quantity: the requested quantity (already checked to be a positive integer).
    :return: a reason shown to the buyer, or ``None`` to allow.
    """


@hookspec
@kind("transform", "checkout")
def shequ_price_adjustments(runtime: Runtime, draft: Any) -> list[Adjustment] | None:
    """Contribute labelled price adjustments to one shop's order draft.

    Called while pricing a cart and again inside the order's transaction at placement, so it
    must be deterministic for the same draft. Prices sent by clients never reach this hook.

    :param draft: an ``OrderDraft`` (shop id, customer id, lines with SKU, unit price and
        quantity, shipping address) - read only.
    :return: a list of :class:`~shequ.core.hooktypes.Adjustment`; each is tagged with the
        plugin and recorded on the order, so every total can be explained line by line.
    """


@hookspec
@kind("validate", "checkout")
def shequ_validate_order(runtime: Runtime, draft: Any) -> str | None:
    """May refuse placing an order, after pricing and before anything is written.

    :param draft: the priced ``OrderDraft``.
    :return: a reason shown to the buyer, or ``None`` to allow.
    """


@hookspec
@kind("transform", "checkout")
def shequ_payment_providers(runtime: Runtime) -> list[Any] | None:
    """Contribute payment providers (objects implementing ``PaymentProvider``).

    Called once when the runtime starts.

    :return: a list of providers; each has a unique ``code`` such as ``"wechat_pay"``.
    """


@hookspec
@kind("decide", "checkout")
def shequ_choose_payment_provider(
    runtime: Runtime, payment_id: int, requested: str | None, user_agent: str
) -> str | None:
    """Choose the payment provider for a payment about to start.

    :param payment_id: the payment being started.
    :param requested: the provider code the buyer picked, if any.
    :param user_agent: the buyer's user agent (e.g. to prefer WeChat Pay inside WeChat).
    :return: a provider code, or ``None`` to let the next plugin (and finally the buyer's
        choice or the configured default) decide.
    """


# ---------------------------------------------------------------------------------------------
# Order lifecycle
# ---------------------------------------------------------------------------------------------


@hookspec
@kind("validate", "orders")
def shequ_validate_transition(
    runtime: Runtime, order_id: int, shop_id: int, from_state: str, to_state: str, actor: str
) -> str | None:
    """May veto an order state transition that the state machine allows.

    Called inside the transaction, before the transition is written.

    :param order_id: the order.
    :param shop_id: its shop.
    :param from_state: the current state.
    :param to_state: the requested state.
    :param actor: who asks (``"customer:12"``, ``"staff:3"``, ``"system"``).
    :return: a reason, or ``None`` to allow.
    """


@hookspec
@kind("observe", "orders")
def shequ_order_created(runtime: Runtime, order_id: int, shop_id: int) -> None:
    """An order was placed (after commit).

    :param order_id: the order.
    :param shop_id: its shop.
    """


@hookspec
@kind("observe", "orders")
def shequ_order_paid(runtime: Runtime, order_id: int, shop_id: int) -> None:
    """An order was paid (after commit).

    :param order_id: the order.
    :param shop_id: its shop.
    """


@hookspec
@kind("observe", "orders")
def shequ_order_shipped(runtime: Runtime, order_id: int, shop_id: int) -> None:
    """An order was shipped (after commit).

    :param order_id: the order.
    :param shop_id: its shop.
    """


@hookspec
@kind("observe", "orders")
def shequ_order_completed(runtime: Runtime, order_id: int, shop_id: int) -> None:
    """An order was completed: receipt confirmed or auto-completed (after commit).

    :param order_id: the order.
    :param shop_id: its shop.
    """


@hookspec
@kind("observe", "orders")
def shequ_order_cancelled(runtime: Runtime, order_id: int, shop_id: int) -> None:
    """An order was cancelled and its stock returned (after commit).

    :param order_id: the order.
    :param shop_id: its shop.
    """


@hookspec
@kind("observe", "orders")
def shequ_order_refunded(
    runtime: Runtime, order_id: int, shop_id: int, refund_id: int, amount: int
) -> None:
    """Money was refunded on an order, fully or partly (after commit).

    :param order_id: the order.
    :param shop_id: its shop.
    :param refund_id: the refund record.
    :param amount: the refunded amount in fen.
    """


# ---------------------------------------------------------------------------------------------
# Distribution rules
# ---------------------------------------------------------------------------------------------


@hookspec
@kind("decide", "distribution")
def shequ_choose_referrer(
    runtime: Runtime, shop_id: int, customer_id: int, candidate_id: int, current_id: int | None
) -> int | None:
    """Decide who a customer is bound to when a referral link, code or QR scan arrives.

    The core has already refused self-binding and cycles; whatever is returned is checked
    again. Returning ``current_id`` keeps the existing binding.

    :param shop_id: the shop the customer would be bound for.
    :param customer_id: the customer who opened the link or scanned the code.
    :param candidate_id: the distributor whose link was used.
    :param current_id: the distributor the customer is bound to now, if any.
    :return: the distributor to bind, or ``None`` to defer to the configured binding mode.
    """


@hookspec
@kind("transform", "distribution")
def shequ_commission_plan(runtime: Runtime, order: Any, chain: list[int]) -> list[CommissionLine]:
    """Propose commission lines for a paid order.

    :param order: the paid ``Order`` with its lines (read only).
    :param chain: the referral chain snapshotted at order creation, nearest first.
    :return: commission lines. The engine drops (and logs) any line not tied to an order line,
        deeper than the configured level, or pushing a line past the cap.
    """


@hookspec
@kind("validate", "distribution")
def shequ_validate_commission_plan(
    runtime: Runtime, order: Any, plan: list[CommissionLine]
) -> str | None:
    """May refuse a whole commission plan (after the engine's own compliance checks).

    :param order: the paid ``Order`` (read only).
    :param plan: the commission lines left after the engine dropped non-compliant ones.
    :return: a reason recorded on the order's commission log, or ``None``.
    """


@hookspec
@kind("observe", "distribution")
def shequ_commission_changed(
    runtime: Runtime, commission_id: int, shop_id: int, from_state: str, to_state: str
) -> None:
    """A commission moved between states (after commit); ``from_state`` is ``""`` on creation.

    :param commission_id: the commission.
    :param shop_id: the shop whose sale earned it.
    :param from_state: the previous state (``pending``, ``frozen``, ``available``, ...).
    :param to_state: the new state.
    """


# ---------------------------------------------------------------------------------------------
# Reputation
# ---------------------------------------------------------------------------------------------


@hookspec
@kind("validate", "reputation")
def shequ_validate_review(
    runtime: Runtime, shop_id: int, customer_id: int, order_id: int, rating: int, body: str
) -> str | None:
    """May refuse a review before it is stored (the core already checks the order).

    :param shop_id: the reviewed shop.
    :param customer_id: the reviewer (the buyer of the order).
    :param order_id: the completed order being reviewed.
    :param rating: 1 to 5 stars.
    :param body: the review text (plain text).
    :return: a reason shown to the reviewer, or ``None``. Never use it to suppress bad but
        honest reviews: the reason is recorded and shown to the platform.
    """


@hookspec
@kind("transform", "reputation")
def shequ_reputation_components(runtime: Runtime, shop_id: int) -> list[ScoreComponent] | None:
    """Contribute published components of a shop's reputation score.

    :param shop_id: the shop being scored.
    :return: components with a weight and an explanation; the breakdown is shown to buyers.
    """


@hookspec
@kind("observe", "reputation")
def shequ_review_published(runtime: Runtime, review_id: int, shop_id: int) -> None:
    """A review became visible: published, or shown again after being hidden (after commit).

    :param review_id: the review.
    :param shop_id: the reviewed shop.
    """


# ---------------------------------------------------------------------------------------------
# Social channels: share cards, notifications, inbound platform events
# ---------------------------------------------------------------------------------------------


@hookspec
@kind("transform", "social")
def shequ_share_card(
    runtime: Runtime, target_type: str, target_id: int, shop_id: int | None
) -> ShareCard | None:
    """Contribute fields of the share card for a product, shop or group buy.

    :param target_type: ``"product"``, ``"shop"`` or a plugin's own type (``"group_buy"``).
    :param target_id: the id of that product, shop or group buy.
    :param shop_id: the shop it belongs to, or ``None`` for a platform-level target.
    :return: a :class:`~shequ.core.hooktypes.ShareCard`; later fields fill gaps left by earlier
        ones. No share-for-reward mechanics: a card never promises a reward for sharing.
    """


@hookspec
@kind("observe", "social")
def shequ_notify_customer(
    runtime: Runtime, customer_id: int, shop_id: int | None, topic: str, data: dict[str, Any]
) -> None:
    """Deliver a transactional notice to a customer (order paid, shipped, refunded, ...).

    Channel plugins (WeChat template messages, SMS) implement it. Marketing content does not
    belong here (``shequ.core.social.notices`` refuses unknown topics).

    :param customer_id: the customer to notify.
    :param shop_id: the shop the notice is about, or ``None`` for a platform notice.
    :param topic: a dotted code such as ``"order.shipped"``.
    :param data: JSON fields for the message.
    """


@hookspec
@kind("decide", "social")
def shequ_inbound_event(runtime: Runtime, channel: str, event: dict[str, Any]) -> Any:
    """Answer a verified inbound platform event (a WeChat message, a scan, a follow).

    Called after the channel plugin has verified the signature and de-duplicated the event.

    :param channel: e.g. ``"wechat_mp"``.
    :param event: the parsed event.
    :return: a reply understood by the channel, or ``None`` to let the next plugin answer.
    """


# ---------------------------------------------------------------------------------------------
# Storefront
# ---------------------------------------------------------------------------------------------


@hookspec
@kind("transform", "storefront")
def shequ_slot(runtime: Runtime, name: str, context: Mapping[str, Any]) -> SlotContent | str | None:
    """Fill a named storefront slot, e.g. ``{{ slot("product.after_price") }}``.

    :param name: the slot's name (see ``shequ theme slots``).
    :param context: the template context (read only).
    :return: a string (escaped by the core) or :class:`~shequ.core.hooktypes.SlotContent`
        with ``safe=True`` for trusted HTML; results are joined in plugin order.
    """
