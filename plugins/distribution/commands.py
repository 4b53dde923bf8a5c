"""``shequ distribution explain ORDER_ID`` and ``shequ distribution settle``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from shequ.core import hookimpl
from shequ.core.distribution.engine import plan_report
from shequ.core.distribution.ledger import settle_due
from shequ.core.hooktypes import CliCommand
from shequ.core.orders.models import Order
from shequ.core.shops.scope import ALL_SHOPS, shop_scope


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["explain", "settle"])
    parser.add_argument("order_id", nargs="?", type=int, help="the order to explain")
    parser.add_argument("--json", action="store_true", help="print the explanation as JSON")


def render(report: dict[str, Any]) -> str:
    """The explanation of an order's commissions as text, one commission per paragraph."""
    out = [
        f"order {report['order_id']} (shop {report['shop_id']}): plan {report['status']}"
        + (f" - {report['reason']}" if report["reason"] else ""),
        f"  referral chain (nearest first): {report['chain'] or 'none'}",
    ]
    for c in report["commissions"]:
        x = c["explanation"]
        rate = f"{c['rate_percent']}% of " if c["rate_percent"] is not None else ""
        out += [
            f"  commission #{c['id']}: level {c['level']} -> customer {c['beneficiary_id']}: "
            f"{c['amount']} fen ({rate}{c['base_amount']} fen paid for line "
            f"{c['order_line_id']} {x.get('line_title', '')!r})",
            f"    rule: {c['rule']}; plugin: {c['plugin']}; cap {x.get('cap_percent')}%",
            f"    state: {c['state']}; reversed {c['reversed_amount']} fen; owed {c['owed']} fen"
            + (f"; available from {c['settle_at']}" if c["settle_at"] else ""),
        ]
    for d in report["dropped"]:
        out.append(
            f"  dropped line from {d['plugin']} (order line {d.get('order_line_id')}, "
            f"level {d.get('level')}, customer {d.get('beneficiary_id')}, "
            f"{d.get('amount')} fen): {d['reason']}"
        )
    return "\n".join(out) + "\n"


async def run(runtime, args: argparse.Namespace) -> int:
    if args.action == "settle":
        print(f"{await settle_due(runtime)} commission(s) became available")
        return 0
    if args.order_id is None:
        print("shequ: distribution explain needs an ORDER_ID", file=sys.stderr)
        return 2
    with shop_scope(ALL_SHOPS):  # the operator names an order of any shop
        shop_id = await Order.filter(id=args.order_id).first().values_list("shop_id", flat=True)
    if shop_id is None:
        print(f"shequ: no order {args.order_id}", file=sys.stderr)
        return 1
    with shop_scope(shop_id):
        report = await plan_report(args.order_id)
    if report is None:
        print(f"order {args.order_id}: no commission plan yet (not paid, or not processed)")
        return 0
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render(report))
    return 0


@hookimpl
def shequ_cli_commands() -> list[CliCommand]:
    return [
        CliCommand(
            name="distribution",
            help="explain an order's commissions (explain ORDER_ID) or settle due ones now",
            run=run,
            configure=configure,
        )
    ]
