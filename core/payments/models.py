"""One payment may pay several shops' orders (one checkout); refunds are per order."""

from tortoise import fields

from shequ.core.db.models import TimestampedModel
from shequ.core.shops.scope import ShopScopedModel


class PaymentState:
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Payment(TimestampedModel):
    customer = fields.ForeignKeyField("accounts.Customer", related_name="payments")
    # Sent to the provider as out_trade_no; unique across the platform.
    reference = fields.CharField(max_length=32, unique=True)
    amount = fields.IntField()
    currency = fields.CharField(max_length=3, default="CNY")
    provider = fields.CharField(max_length=32, default="")
    state = fields.CharField(max_length=16, default=PaymentState.PENDING, db_index=True)
    provider_ref = fields.CharField(max_length=64, default="")  # e.g. transaction_id
    paid_amount = fields.IntField(default=0)
    refunded_amount = fields.IntField(default=0)
    paid_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment"
        ordering = ["id"]


class PaymentNotification(TimestampedModel):
    """Every verified notification, once: replays find their row and change nothing."""

    provider = fields.CharField(max_length=32)
    notification_id = fields.CharField(max_length=128)
    payment = fields.ForeignKeyField("orders.Payment", related_name="notifications", null=True)
    payload = fields.JSONField(default=dict)
    outcome = fields.CharField(max_length=32, default="")

    class Meta:
        table = "payment_notification"
        unique_together = (("provider", "notification_id"),)
        ordering = ["id"]


class RefundState:
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(ShopScopedModel):
    order = fields.ForeignKeyField("orders.Order", related_name="refunds")
    payment = fields.ForeignKeyField("orders.Payment", related_name="refunds")
    amount = fields.IntField()
    # {order_line_id: amount} so commissions and reports can reverse per line.
    line_amounts = fields.JSONField(default=dict)
    reason = fields.CharField(max_length=255, default="")
    state = fields.CharField(max_length=16, default=RefundState.PENDING)
    provider_ref = fields.CharField(max_length=64, default="")
    actor = fields.CharField(max_length=64)
    idempotency_key = fields.CharField(max_length=64, null=True, unique=True)

    class Meta:
        table = "refund"
        ordering = ["id"]
