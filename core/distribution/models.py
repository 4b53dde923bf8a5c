"""Distribution records. Customers belong to the platform; everything here belongs to a shop.

Ids of people are customer ids throughout (a distributor is a customer in one shop), so a
referral chain is a list of customer ids, nearest first. Ledger entries are append-only and
every state change is recorded (who, when, from, to). Deletes never cascade into this app:
every foreign key restricts them, so no ledger row or history can disappear with its parent.
"""

from tortoise import fields

from shequ.core.shops.scope import ShopScopedModel


class DistributorStatus:
    PENDING = "pending"  # applied; waits for the seller (enrollment = "approval")
    INVITED = "invited"  # the seller invited; becomes active when the customer accepts
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Distributor(ShopScopedModel):
    """A customer who promotes one shop. One customer may distribute for several shops."""

    customer = fields.ForeignKeyField(
        "accounts.Customer", related_name="distributor_roles", on_delete=fields.RESTRICT
    )
    # The referral code: in share links (?ref=CODE), typed in, and in QR scene strings.
    # Unique across the platform, so a code alone names its shop.
    code = fields.CharField(max_length=16, unique=True)
    status = fields.CharField(max_length=16, default=DistributorStatus.PENDING)
    # Recorded for the seller's information only: inviting is never rewarded.
    invited_by = fields.ForeignKeyField(
        "accounts.Customer",
        related_name="distributor_invitations",
        null=True,
        on_delete=fields.RESTRICT,
    )
    decided_by = fields.CharField(max_length=64, default="")
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "distribution_distributor"
        unique_together = (("shop", "customer"),)
        ordering = ["id"]


class DistributorChange(ShopScopedModel):
    """Every status change of a distributor (application, approval, suspension)."""

    distributor = fields.ForeignKeyField(
        "distribution.Distributor", related_name="changes", on_delete=fields.RESTRICT
    )
    from_status = fields.CharField(max_length=16)
    to_status = fields.CharField(max_length=16)
    actor = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=255, default="")

    class Meta:
        table = "distribution_distributor_change"
        ordering = ["id"]


class Binding(ShopScopedModel):
    """Who referred a customer to this shop. One row per (shop, customer): the race guard."""

    customer = fields.ForeignKeyField(
        "accounts.Customer", related_name="distribution_bindings", on_delete=fields.RESTRICT
    )
    referrer = fields.ForeignKeyField(
        "accounts.Customer", related_name="distribution_referrals", on_delete=fields.RESTRICT
    )
    source = fields.CharField(max_length=16)  # link | code | qr | staff
    bound_at = fields.DatetimeField()
    # Bumped on every rebind: the conditional update that settles two racing rebinds.
    version = fields.IntField(default=0)

    class Meta:
        table = "distribution_binding"
        unique_together = (("shop", "customer"),)
        indexes = (("shop_id", "referrer_id"),)
        ordering = ["id"]


class BindingChange(ShopScopedModel):
    """Every binding change: who, when, from which referrer to which, and why."""

    customer = fields.ForeignKeyField(
        "accounts.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    from_referrer = fields.ForeignKeyField(
        "accounts.Customer", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    to_referrer = fields.ForeignKeyField(
        "accounts.Customer", related_name=False, on_delete=fields.RESTRICT
    )
    source = fields.CharField(max_length=16)
    actor = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=120, default="")

    class Meta:
        table = "distribution_binding_change"
        ordering = ["id"]


class CommissionPlan(ShopScopedModel):
    """One per order: the plan was built (idempotency), with its outcome and dropped lines."""

    order = fields.OneToOneField(
        "orders.Order", related_name="commission_plan", on_delete=fields.RESTRICT
    )
    chain = fields.JSONField(default=list)
    # applied | vetoed | no_chain | disabled | unpaid
    status = fields.CharField(max_length=16)
    reason = fields.CharField(max_length=255, default="")
    # [{"plugin", "order_line_id", "level", "beneficiary_id", "amount", "rule", "reason"}]
    dropped = fields.JSONField(default=list)

    class Meta:
        table = "distribution_commission_plan"
        ordering = ["id"]


class CommissionState:
    PENDING = "pending"  # the order is paid
    FROZEN = "frozen"  # the order completed; waiting out the after-sales window
    AVAILABLE = "available"  # may be withdrawn
    REVERSED = "reversed"  # fully refunded


class Commission(ShopScopedModel):
    order = fields.ForeignKeyField(
        "orders.Order", related_name="commissions", on_delete=fields.RESTRICT
    )
    order_line = fields.ForeignKeyField(
        "orders.OrderLine", related_name="commissions", on_delete=fields.RESTRICT
    )
    beneficiary = fields.ForeignKeyField(
        "accounts.Customer", related_name="commissions", on_delete=fields.RESTRICT
    )
    level = fields.SmallIntField()
    currency = fields.CharField(max_length=3)
    # In fen: what was paid for the line (its share of order discounts taken off).
    base_amount = fields.IntField()
    rate_percent = fields.DecimalField(max_digits=7, decimal_places=4, null=True)
    # As planned, and how much of it refunds took back since; what is owed is the difference.
    amount = fields.IntField()
    reversed_amount = fields.IntField(default=0)
    state = fields.CharField(max_length=16, default=CommissionState.PENDING)
    rule = fields.CharField(max_length=120)
    plugin = fields.CharField(max_length=64)
    # chain, rule, rate, base, plugin: what `shequ distribution explain` prints.
    explanation = fields.JSONField(default=dict)
    settle_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=0)

    class Meta:
        table = "distribution_commission"
        indexes = (("state", "settle_at"), ("shop_id", "beneficiary_id"))
        ordering = ["id"]

    @property
    def owed(self) -> int:
        return self.amount - self.reversed_amount


class CommissionChange(ShopScopedModel):
    """Every change of a commission: a state move, or a partial reversal (same state)."""

    commission = fields.ForeignKeyField(
        "distribution.Commission", related_name="changes", on_delete=fields.RESTRICT
    )
    from_state = fields.CharField(max_length=16)
    to_state = fields.CharField(max_length=16)
    amount = fields.IntField()
    actor = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=255, default="")

    class Meta:
        table = "distribution_commission_change"
        ordering = ["id"]


class Bucket:
    """Where a distributor's money is. A balance is the sum of a bucket's entries."""

    PENDING = "pending"
    FROZEN = "frozen"
    AVAILABLE = "available"
    WITHDRAWING = "withdrawing"
    WITHDRAWN = "withdrawn"
    ALL = (PENDING, FROZEN, AVAILABLE, WITHDRAWING, WITHDRAWN)


class LedgerEntry(ShopScopedModel):
    """Append-only: never updated, never deleted. Moves are a pair of entries summing to 0."""

    beneficiary = fields.ForeignKeyField(
        "accounts.Customer", related_name="ledger_entries", on_delete=fields.RESTRICT
    )
    bucket = fields.CharField(max_length=16)
    amount = fields.IntField()  # fen, signed
    currency = fields.CharField(max_length=3)
    # earned | frozen | settled | reversed | withdraw_requested | withdraw_paid | withdraw_returned
    kind = fields.CharField(max_length=24)
    commission = fields.ForeignKeyField(
        "distribution.Commission", related_name="entries", null=True, on_delete=fields.RESTRICT
    )
    withdrawal = fields.ForeignKeyField(
        "distribution.Withdrawal", related_name="entries", null=True, on_delete=fields.RESTRICT
    )
    actor = fields.CharField(max_length=64, default="system")

    class Meta:
        table = "distribution_ledger_entry"
        indexes = (("shop_id", "beneficiary_id", "bucket"),)
        ordering = ["id"]


class WithdrawalState:
    REQUESTED = "requested"
    PAYING = "paying"  # approved; the payout provider is being asked
    PAID = "paid"
    REJECTED = "rejected"
    FAILED = "failed"


class Withdrawal(ShopScopedModel):
    beneficiary = fields.ForeignKeyField(
        "accounts.Customer", related_name="withdrawals", on_delete=fields.RESTRICT
    )
    amount = fields.IntField()
    currency = fields.CharField(max_length=3)
    state = fields.CharField(max_length=16, default=WithdrawalState.REQUESTED)
    # The client's key: a repeated request returns the first withdrawal instead of a second.
    idempotency_key = fields.CharField(max_length=64)
    # Sent to the payout provider (its idempotency key for the transfer).
    reference = fields.CharField(max_length=32, unique=True)
    provider = fields.CharField(max_length=32, default="")
    provider_ref = fields.CharField(max_length=64, default="")
    decided_by = fields.CharField(max_length=64, default="")
    decided_at = fields.DatetimeField(null=True)
    reason = fields.CharField(max_length=255, default="")
    version = fields.IntField(default=0)

    class Meta:
        table = "distribution_withdrawal"
        unique_together = (("shop", "beneficiary", "idempotency_key"),)
        ordering = ["id"]


class WithdrawalChange(ShopScopedModel):
    withdrawal = fields.ForeignKeyField(
        "distribution.Withdrawal", related_name="changes", on_delete=fields.RESTRICT
    )
    from_state = fields.CharField(max_length=16)
    to_state = fields.CharField(max_length=16)
    actor = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=255, default="")

    class Meta:
        table = "distribution_withdrawal_change"
        ordering = ["id"]
