"""Queries over the referral graph that must not grow with its size.

The cycle check walks up from the new referrer with one recursive query: each step is a
lookup on the (shop, customer) unique index, so the cost is O(depth of the referrer), not
O(customers). ``UNION`` (not ``UNION ALL``) ends the walk even on a damaged, cyclic graph.
"""

from __future__ import annotations

from typing import Any

from shequ.core.distribution.models import Binding

# Arbitrary namespace for this module's advisory locks (first key of the two-int form).
_LOCK_NAMESPACE = 0x5D15


def _placeholders(conn: Any, count: int) -> list[str]:
    if conn.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


async def lock_shop_graph(conn: Any, shop_id: int) -> None:
    """Serialise changes to one shop's referral graph until the transaction ends.

    Two concurrent rebinds could each pass the cycle check before the other commits
    (A->B and B->A); one lock per shop makes each check see every committed edge. Reads
    (chains, listings) never take it. SQLite runs one writer at a time already.
    """
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query(
            "SELECT pg_advisory_xact_lock($1, $2)", [_LOCK_NAMESPACE, shop_id % 2**31]
        )


async def is_ancestor_or_self(conn: Any, shop_id: int, customer_id: int, start_id: int) -> bool:
    """Whether ``customer_id`` is ``start_id`` or one of its referrers, at any depth."""
    table = Binding._meta.db_table
    p = _placeholders(conn, 3)
    sql = (
        f"WITH RECURSIVE up(cid) AS ("
        f" SELECT CAST({p[0]} AS BIGINT)"
        f" UNION"
        f" SELECT b.referrer_id FROM {table} b JOIN up ON b.customer_id = up.cid"
        f" WHERE b.shop_id = {p[1]}"
        f") SELECT 1 FROM up WHERE cid = {p[2]} LIMIT 1"
    )
    _, rows = await conn.execute_query(sql, [start_id, shop_id, customer_id])
    return bool(rows)
