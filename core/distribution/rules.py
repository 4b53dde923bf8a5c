"""The compliance limits no setting or plugin can lift (DESIGN.md §8)."""

from __future__ import annotations

# 禁止传销条例 art. 7 and WeChat's rules on multi-level distribution.
LAW = "禁止传销条例 art. 7 and WeChat's rules on multi-level distribution"
MAX_LEVELS = 2
MAX_CAP_PERCENT = 100

# Setting names that would make becoming a distributor cost money or need a purchase.
# They are declared so that using one gets this explanation instead of "unknown key".
FORBIDDEN_ENROLLMENT_KEYS = (
    "entry_fee",
    "join_fee",
    "enrollment_fee",
    "membership_fee",
    "deposit",
    "require_purchase",
    "min_purchase",
    "purchase_requirement",
)

NO_FEE = (
    "becoming a distributor never costs money or requires a purchase "
    f"({LAW}); this cannot be configured"
)
DEPTH = f"commission is paid at most {MAX_LEVELS} levels deep ({LAW})"
