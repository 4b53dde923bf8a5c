"""The seller's distribution pages in the admin (``/admin/shops/{id}/p/distribution/...``).

The admin's guard has already checked the staff member and entered the shop's scope; every
change goes through :mod:`shequ.core.distribution.seller`. Changing anything needs the
``settings`` permission (owners and platform operators), since it moves money or decides
who may earn it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from shequ.core.accounts.models import Customer
from shequ.core.admin.flash import flash
from shequ.core.admin.forms import PER_PAGE, FormError, day, day_start, integer, page_number, text
from shequ.core.admin.guard import SETTINGS, ShopAccess
from shequ.core.appkeys import RUNTIME
from shequ.core.distribution import seller
from shequ.core.distribution.errors import DistributionError
from shequ.core.distribution.models import Bucket, DistributorStatus, WithdrawalState
from shequ.core.hooktypes import AdminPage
from shequ.plugins.distribution.pages.fragments import admin_page

APPLICATIONS, DISTRIBUTORS, LEDGER, WITHDRAWALS = (
    "分销·申请",
    "分销·分销员",
    "分销·账本",
    "分销·提现",
)
STATUS_LABELS = {
    DistributorStatus.PENDING: "待审核",
    DistributorStatus.INVITED: "已邀请",
    DistributorStatus.ACTIVE: "正常",
    DistributorStatus.REJECTED: "已拒绝",
    DistributorStatus.SUSPENDED: "已暂停",
}
WITHDRAWAL_LABELS = {
    WithdrawalState.REQUESTED: "待处理",
    WithdrawalState.PAYING: "打款中",
    WithdrawalState.PAID: "已打款",
    WithdrawalState.REJECTED: "已拒绝",
    WithdrawalState.FAILED: "打款失败",
}
BUCKET_LABELS = {
    Bucket.PENDING: "待结算",
    Bucket.FROZEN: "冻结中",
    Bucket.AVAILABLE: "可提现",
    Bucket.WITHDRAWING: "提现中",
    Bucket.WITHDRAWN: "已提现",
}


async def _nicknames(ids: Iterable[int]) -> dict[int, str]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    return dict(await Customer.filter(id__in=wanted).values_list("id", "nickname"))


async def _decide(
    request: web.Request,
    access: ShopAccess,
    actions: dict[str, Callable[[int, str], Awaitable[Any]]],
    show: Callable[..., Awaitable[web.Response]],
    done: str,
) -> web.Response:
    """A POSTed ``id`` + ``action``: run it and redirect, or show the page again with the
    error (4xx) and nothing changed."""
    form = await request.post()
    try:
        target = integer(form, "id", low=1)
        action = text(form, "action", max_length=16)
        reason = text(form, "reason", max_length=200)
        if target is None or action not in actions:
            raise FormError("请选择一条记录和一个操作。")
        await actions[action](target, reason)
    except FormError as exc:
        return await show(request, access, error=exc.message, status=exc.status)
    except DistributionError as exc:
        return await show(request, access, error=exc.message, status=exc.status)
    await flash(request, done)
    raise web.HTTPSeeOther(request.path)


# -- applications -----------------------------------------------------------------------------


async def applications(
    request: web.Request, access: ShopAccess, *, error: str = "", status: int = 200
) -> web.Response:
    rows = await seller.list_applications(access.shop.id)
    names = await _nicknames(r.customer_id for r in rows)
    return await admin_page(
        request,
        APPLICATIONS,
        "applications.html",
        {"rows": rows, "names": names, "error": error, "can_decide": access.can(SETTINGS)},
        status=status,
    )


async def applications_decide(request: web.Request, access: ShopAccess) -> web.Response:
    runtime, shop_id = request.app[RUNTIME], access.shop.id
    return await _decide(
        request,
        access,
        {
            "approve": lambda i, _: seller.approve_application(runtime, shop_id, i, access.actor),
            "reject": lambda i, r: seller.reject_application(runtime, shop_id, i, access.actor, r),
        },
        applications,
        "已处理申请。",
    )


# -- distributors -----------------------------------------------------------------------------


async def distributors(
    request: web.Request, access: ShopAccess, *, error: str = "", status: int = 200
) -> web.Response:
    wanted = request.query.get("status", "")
    rows = await seller.list_distributors(
        access.shop.id, wanted if wanted in STATUS_LABELS else None
    )
    names = await _nicknames(r.customer_id for r in rows)
    return await admin_page(
        request,
        DISTRIBUTORS,
        "distributors.html",
        {
            "rows": rows,
            "names": names,
            "labels": STATUS_LABELS,
            "wanted": wanted,
            "error": error,
            "can_decide": access.can(SETTINGS),
        },
        status=status,
    )


async def distributors_decide(request: web.Request, access: ShopAccess) -> web.Response:
    runtime, shop_id = request.app[RUNTIME], access.shop.id
    return await _decide(
        request,
        access,
        {
            "suspend": lambda i, r: seller.suspend_distributor(
                runtime, shop_id, i, access.actor, r
            ),
            "reinstate": lambda i, _: seller.reinstate_distributor(
                runtime, shop_id, i, access.actor
            ),
        },
        distributors,
        "已更新分销员状态。",
    )


# -- ledger -----------------------------------------------------------------------------------


def _ledger_filters(query: Any) -> dict[str, Any]:
    beneficiary = integer(query, "distributor", low=1)
    bucket = text(query, "bucket", max_length=16) or None
    if bucket is not None and bucket not in BUCKET_LABELS:
        raise FormError("没有这个状态。", "bucket", status=400)
    since, until = day(query, "since"), day(query, "until")
    return {
        "beneficiary_id": beneficiary,
        "bucket": bucket,
        "since": day_start(since) if since else None,
        # "until" is the last day shown, inclusive.
        "until": day_start(until + dt.timedelta(days=1)) if until else None,
    }


def _page_url(params: dict[str, str], number: int) -> str:
    return "?" + urlencode({**{k: v for k, v in params.items() if v}, "page": str(number)})


async def ledger(request: web.Request, access: ShopAccess) -> web.Response:
    query = request.query
    params = {k: query.get(k, "")[:20] for k in ("distributor", "bucket", "since", "until")}
    error, status, rows, more = "", 200, [], False
    number = page_number(query)
    try:
        filters = _ledger_filters(query)
    except FormError as exc:
        error, status = exc.message, 400
    else:
        found = await seller.ledger(
            access.shop.id, **filters, limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE
        )
        rows, more = found[:PER_PAGE], len(found) > PER_PAGE
    names = await _nicknames(r.beneficiary_id for r in rows)
    return await admin_page(
        request,
        LEDGER,
        "ledger.html",
        {
            "rows": rows,
            "names": names,
            "labels": BUCKET_LABELS,
            "params": params,
            "page": number,
            "prev_url": _page_url(params, number - 1) if number > 1 else "",
            "next_url": _page_url(params, number + 1) if more else "",
            "error": error,
        },
        status=status,
    )


# -- withdrawals ------------------------------------------------------------------------------


async def withdrawals(
    request: web.Request, access: ShopAccess, *, error: str = "", status: int = 200
) -> web.Response:
    wanted = request.query.get("state", WithdrawalState.REQUESTED)
    if wanted not in WITHDRAWAL_LABELS:
        wanted = WithdrawalState.REQUESTED
    rows = await seller.withdrawal_queue(access.shop.id, wanted)
    names = await _nicknames(r.beneficiary_id for r in rows)
    return await admin_page(
        request,
        WITHDRAWALS,
        "withdrawals.html",
        {
            "rows": rows,
            "names": names,
            "labels": WITHDRAWAL_LABELS,
            "wanted": wanted,
            "error": error,
            "can_decide": access.can(SETTINGS),
        },
        status=status,
    )


async def withdrawals_decide(request: web.Request, access: ShopAccess) -> web.Response:
    runtime, shop_id = request.app[RUNTIME], access.shop.id
    return await _decide(
        request,
        access,
        {
            "approve": lambda i, _: seller.approve_withdrawal(runtime, shop_id, i, access.actor),
            "reject": lambda i, r: seller.reject_withdrawal(runtime, shop_id, i, access.actor, r),
        },
        withdrawals,
        "已处理提现。",
    )


# -- exports ----------------------------------------------------------------------------------


def _csv_response(content: str, filename: str) -> web.Response:
    # The BOM tells Excel the file is UTF-8; without it Chinese nicknames come out garbled.
    return web.Response(
        body=("\ufeff" + content).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


async def export_relationships(request: web.Request, access: ShopAccess) -> web.Response:
    content = await seller.export_relationships_csv(access.shop.id)
    return _csv_response(content, f"relationships-shop{access.shop.id}.csv")


async def export_commissions(request: web.Request, access: ShopAccess) -> web.Response:
    content = await seller.export_commissions_csv(access.shop.id)
    return _csv_response(content, f"commissions-shop{access.shop.id}.csv")


def admin_pages() -> list[AdminPage]:
    return [
        AdminPage(path="applications", title=APPLICATIONS, handler=applications),
        AdminPage(
            path="applications",
            title=APPLICATIONS,
            handler=applications_decide,
            method="POST",
            permission=SETTINGS,
        ),
        AdminPage(path="distributors", title=DISTRIBUTORS, handler=distributors),
        AdminPage(
            path="distributors",
            title=DISTRIBUTORS,
            handler=distributors_decide,
            method="POST",
            permission=SETTINGS,
        ),
        AdminPage(path="ledger", title=LEDGER, handler=ledger),
        AdminPage(path="withdrawals", title=WITHDRAWALS, handler=withdrawals),
        AdminPage(
            path="withdrawals",
            title=WITHDRAWALS,
            handler=withdrawals_decide,
            method="POST",
            permission=SETTINGS,
        ),
        # Exports hold every customer's relationships: owners and operators only.
        AdminPage(
            path="export/relationships.csv",
            title="分销关系导出",
            handler=export_relationships,
            permission=SETTINGS,
            in_menu=False,
        ),
        AdminPage(
            path="export/commissions.csv",
            title="佣金导出",
            handler=export_commissions,
            permission=SETTINGS,
            in_menu=False,
        ),
    ]
