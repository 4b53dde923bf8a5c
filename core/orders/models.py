"""Orders snapshot what was bought (names, prices, pricing breakdown, referral chain)."""

from tortoise import fields

from shequ.core.shops.scope import ShopScopedModel


class OrderState:
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"  # fully refunded


class Order(ShopScopedModel):
    number = fields.CharField(max_length=32, unique=True)
    customer = fields.ForeignKeyField("accounts.Customer", related_name="orders")
    checkout = fields.ForeignKeyField("orders.Checkout", related_name="orders")
    payment = fields.ForeignKeyField("orders.Payment", related_name="orders", null=True)
    state = fields.CharField(max_length=20, default=OrderState.PENDING_PAYMENT, db_index=True)
    currency = fields.CharField(max_length=3, default="CNY")
    # In fen: lines before adjustments, the sum of adjustments, and what the buyer pays.
    subtotal = fields.IntField()
    adjustments_total = fields.IntField(default=0)
    total = fields.IntField()
    paid_amount = fields.IntField(default=0)
    refunded_amount = fields.IntField(default=0)
    # 收货人/手机/省/市/区/详细地址 as it was at placement.
    shipping_address = fields.JSONField(default=dict)
    buyer_note = fields.CharField(max_length=200, default="")
    # Distributors nearest first, snapshotted at creation; never changes afterwards.
    referral_chain = fields.JSONField(default=list)
    expires_at = fields.DatetimeField(null=True)
    paid_at = fields.DatetimeField(null=True)
    shipped_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "shop_order"
        ordering = ["-id"]


class OrderLine(ShopScopedModel):
    order = fields.ForeignKeyField("orders.Order", related_name="lines")
    sku = fields.ForeignKeyField(
        "catalog.Sku", related_name="order_lines", null=True, on_delete=fields.SET_NULL
    )
    product_id = fields.BigIntField()
    title = fields.CharField(max_length=120)
    specs = fields.JSONField(default=dict)
    unit_price = fields.IntField()
    quantity = fields.IntField()
    # unit_price * quantity, then the line's own adjustments (e.g. a discount on this line).
    line_subtotal = fields.IntField()
    line_adjustments = fields.IntField(default=0)
    line_total = fields.IntField()
    refunded_amount = fields.IntField(default=0)
    refunded_quantity = fields.IntField(default=0)

    class Meta:
        table = "order_line"
        ordering = ["id"]


class OrderAdjustment(ShopScopedModel):
    """One labelled contribution to the total, tagged with the plugin that made it."""

    order = fields.ForeignKeyField("orders.Order", related_name="adjustments")
    line = fields.ForeignKeyField("orders.OrderLine", related_name="adjustments", null=True)
    code = fields.CharField(max_length=48)
    label = fields.CharField(max_length=120)
    amount = fields.IntField()
    # What the plugin asked for when it was clamped (a discount larger than what was left).
    requested_amount = fields.IntField(null=True)
    plugin = fields.CharField(max_length=64)

    class Meta:
        table = "order_adjustment"
        ordering = ["id"]


class OrderTransition(ShopScopedModel):
    """Every state change: who, when, from, to, why. Append-only."""

    order = fields.ForeignKeyField("orders.Order", related_name="transitions")
    from_state = fields.CharField(max_length=20)
    to_state = fields.CharField(max_length=20)
    actor = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=255, default="")

    class Meta:
        table = "order_transition"
        ordering = ["id"]


class Shipment(ShopScopedModel):
    order = fields.ForeignKeyField("orders.Order", related_name="shipments")
    carrier = fields.CharField(max_length=64)
    tracking_number = fields.CharField(max_length=64)

    class Meta:
        table = "shipment"
        ordering = ["id"]


class RefundRequestState:
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"


class RefundRequest(ShopScopedModel):
    """A buyer's request for a refund (申请退款). The seller decides and refunds."""

    order = fields.ForeignKeyField("orders.Order", related_name="refund_requests")
    customer = fields.ForeignKeyField("accounts.Customer", related_name="refund_requests")
    # In fen; None asks for everything still refundable.
    amount = fields.IntField(null=True)
    reason = fields.CharField(max_length=255, default="")
    state = fields.CharField(max_length=16, default=RefundRequestState.OPEN)
    decided_by = fields.CharField(max_length=64, default="")
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refund_request"
        ordering = ["id"]
