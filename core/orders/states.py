"""The order state machine: which transitions exist, and nothing else.

::

    pending_payment -> paid -> shipped -> completed
          |              |        |          |
          v              v        v          v
      cancelled   cancelled*   refunded   refunded
                  refunded

``*`` a paid order is cancelled only together with a full refund. Partial refunds keep the
state; the refund that brings the refunded amount up to what was paid moves the order to
``refunded``. ``cancelled`` and ``refunded`` are final.
"""

from __future__ import annotations

from shequ.core.orders.errors import IllegalTransition
from shequ.core.orders.models import OrderState as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.SHIPPED, S.CANCELLED, S.REFUNDED}),
    S.SHIPPED: frozenset({S.COMPLETED, S.REFUNDED}),
    S.COMPLETED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# States from which money can be given back (partly or fully).
REFUNDABLE = frozenset({S.PAID, S.SHIPPED, S.COMPLETED})
# Transitions that need the whole paid amount refunded first.
NEED_FULL_REFUND = frozenset(
    {
        (S.PAID, S.CANCELLED),
        (S.PAID, S.REFUNDED),
        (S.SHIPPED, S.REFUNDED),
        (S.COMPLETED, S.REFUNDED),
    }
)


def allowed(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def check(from_state: str, to_state: str) -> None:
    """Raise :class:`IllegalTransition` unless the machine has this edge."""
    if not allowed(from_state, to_state):
        raise IllegalTransition(f"An order cannot go from {from_state} to {to_state}.")
