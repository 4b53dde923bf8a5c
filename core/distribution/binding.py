"""Binding a customer to the distributor who referred them, per shop.

A share link (``?ref=CODE``), a typed referral code and a QR scene string all end in
:func:`bind_by_code`. A forged or unknown code changes nothing and is only logged: the buyer
never sees an error for someone else's bad link.

Races: one binding row per (shop, customer) (unique), rebinds by a conditional update on
its version, and one advisory lock per shop around graph changes so that no two concurrent
rebinds can close a cycle that neither could see.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from shequ.core.distribution.codes import code_from_scene, normalize_code
from shequ.core.distribution.graph import is_ancestor_or_self, lock_shop_graph
from shequ.core.distribution.models import Binding, BindingChange, Distributor, DistributorStatus
from shequ.core.distribution.settings import DistributionSettings, distribution_settings
from shequ.core.jobs.outbox import utcnow
from shequ.core.shops.scope import ALL_SHOPS, shop_scope

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

SOURCES = ("link", "code", "qr", "staff")


@dataclass(frozen=True)
class BindResult:
    """``bound`` (new), ``rebound``, ``kept`` (unchanged), ``ignored`` or ``refused``."""

    outcome: str
    shop_id: int | None = None
    referrer_id: int | None = None
    reason: str = ""

    @property
    def changed(self) -> bool:
        return self.outcome in ("bound", "rebound")


async def bind_by_code(
    runtime: Runtime,
    customer_id: int,
    code: object,
    *,
    source: str = "link",
    shop_id: int | None = None,
    actor: str | None = None,
) -> BindResult:
    """Bind ``customer_id`` to the distributor whose referral code this is.

    ``shop_id``, when given, is the shop the customer is looking at: a code of another shop
    is ignored there. Never raises for a bad code.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown binding source {source!r}")
    normal = normalize_code(code)
    row = None
    if normal is not None:
        with shop_scope(ALL_SHOPS):  # a code is unique across the platform and names its shop
            row = await Distributor.filter(code=normal).values("shop_id", "customer_id", "status")
            row = row[0] if row else None
    if row is None or (shop_id is not None and row["shop_id"] != shop_id):
        log.warning(
            "distribution: ignored unknown or forged referral code %r (customer %s, source %s)",
            str(code)[:40],
            customer_id,
            source,
        )
        return BindResult("ignored", shop_id, None, "unknown referral code")
    if row["status"] != DistributorStatus.ACTIVE:
        log.info("distribution: ignored code %s of a %s distributor", normal, row["status"])
        return BindResult("ignored", row["shop_id"], None, "distributor is not active")
    settings = await distribution_settings(runtime, row["shop_id"])
    if settings is None:
        return BindResult("ignored", row["shop_id"], None, "distribution is not enabled")
    return await bind(
        runtime,
        settings,
        row["shop_id"],
        customer_id,
        row["customer_id"],
        source=source,
        actor=actor or f"customer:{customer_id}",
    )


async def bind_by_scene(
    runtime: Runtime, customer_id: int, scene: object, actor: str | None = None
) -> BindResult:
    """A QR scan: the official-account plugin passes the scene string it received."""
    code = code_from_scene(scene)
    if code is None:
        log.warning("distribution: ignored QR scene %r (customer %s)", str(scene)[:64], customer_id)
        return BindResult("ignored", None, None, "not a referral scene")
    return await bind_by_code(runtime, customer_id, code, source="qr", actor=actor)


def _by_mode(
    settings: DistributionSettings, current: Binding | None, candidate_id: int, now: dt.datetime
) -> tuple[int | None, str]:
    if current is None:
        return candidate_id, f"{settings.binding}: first referral"
    if settings.binding == "first":
        return current.referrer_id, "first: the first referrer keeps the customer"
    if settings.binding == "protected":
        ends = current.bound_at + dt.timedelta(days=settings.protection_days)
        if now < ends:
            return current.referrer_id, f"protected until {ends:%Y-%m-%d %H:%M}"
        return candidate_id, f"protected: {settings.protection_days} days passed"
    return candidate_id, "last: the latest referrer wins"


async def bind(
    runtime: Runtime,
    settings: DistributionSettings,
    shop_id: int,
    customer_id: int,
    candidate_id: int,
    *,
    source: str,
    actor: str,
) -> BindResult:
    """Apply the plugins' choice (``shequ_choose_referrer``), else the configured mode."""
    if candidate_id == customer_id:
        log.info(
            "distribution: refused self-binding of customer %s in shop %s", customer_id, shop_id
        )
        return BindResult("refused", shop_id, None, "self-binding is refused")
    now = utcnow()
    with shop_scope(shop_id):
        kept = await _kept_without_asking(
            runtime, settings, shop_id, customer_id, candidate_id, now
        )
        if kept is not None:
            return kept
        async with in_transaction() as conn:
            await lock_shop_graph(conn, shop_id)
            current = await Binding.filter(customer_id=customer_id).select_for_update().first()
            current_id = current.referrer_id if current is not None else None
            if current_id == candidate_id:
                return BindResult("kept", shop_id, current_id, "already bound to this referrer")
            if await is_ancestor_or_self(conn, shop_id, customer_id, candidate_id):
                return _refused(shop_id, customer_id, candidate_id, current_id, CYCLE)
            chosen = await runtime.hooks.decide(
                "shequ_choose_referrer",
                shop_id=shop_id,
                customer_id=customer_id,
                candidate_id=candidate_id,
                current_id=current_id,
            )
            reason = "chosen by a plugin"
            if chosen is not None and (isinstance(chosen, bool) or not isinstance(chosen, int)):
                log.warning("distribution: shequ_choose_referrer returned %r; ignored", chosen)
                chosen = None
            if chosen is None:
                chosen, reason = _by_mode(settings, current, candidate_id, now)
            if chosen is None or chosen == current_id:
                return BindResult("kept", shop_id, current_id, reason)
            if chosen != candidate_id:  # a plugin's own pick is checked again
                refusal = await _refusal(conn, shop_id, customer_id, chosen)
                if refusal:
                    return _refused(shop_id, customer_id, chosen, current_id, refusal)
            if current is None:
                try:
                    async with in_transaction():  # a savepoint: losing keeps the transaction
                        await Binding.create(
                            customer_id=customer_id, referrer_id=chosen, source=source, bound_at=now
                        )
                except IntegrityError:
                    return BindResult("kept", shop_id, None, "bound concurrently")
            else:
                updated = await Binding.filter(
                    id=current.id, version=current.version, referrer_id=current_id
                ).update(referrer_id=chosen, source=source, bound_at=now, version=F("version") + 1)
                if updated != 1:
                    return BindResult("kept", shop_id, current_id, "rebound concurrently")
            await BindingChange.create(
                customer_id=customer_id,
                from_referrer_id=current_id,
                to_referrer_id=chosen,
                source=source,
                actor=actor[:64],
                reason=reason[:120],
            )
    return BindResult("bound" if current is None else "rebound", shop_id, chosen, reason)


CYCLE = "the binding would make a cycle"


async def _kept_without_asking(
    runtime: Runtime,
    settings: DistributionSettings,
    shop_id: int,
    customer_id: int,
    candidate_id: int,
    now: dt.datetime,
) -> BindResult | None:
    """The common case, without the shop's lock: a bound buyer opens a link again and
    nothing (no plugin, not the mode) could change the binding."""
    if runtime.hooks.impls("shequ_choose_referrer"):
        return None
    current = await Binding.filter(customer_id=customer_id).first()
    if current is None:
        return None
    chosen, reason = _by_mode(settings, current, candidate_id, now)
    if chosen != current.referrer_id:
        return None
    if chosen == candidate_id:
        reason = "already bound to this referrer"
    return BindResult("kept", shop_id, chosen, reason)


def _refused(
    shop_id: int, customer_id: int, referrer_id: int, current_id: int | None, reason: str
) -> BindResult:
    log.warning(
        "distribution: refused binding customer %s to %s in shop %s: %s",
        customer_id,
        referrer_id,
        shop_id,
        reason,
    )
    return BindResult("refused", shop_id, current_id, reason)


async def _refusal(conn: Any, shop_id: int, customer_id: int, chosen: int) -> str | None:
    if chosen == customer_id:
        return "self-binding is refused"
    if not await Distributor.exists(customer_id=chosen, status=DistributorStatus.ACTIVE):
        return "the chosen referrer is not an active distributor of this shop"
    if await is_ancestor_or_self(conn, shop_id, customer_id, chosen):
        return CYCLE
    return None
