from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    # accounts and catalog added (dependencies only, no schema change): this migration has
    # foreign keys to both, and tortoise plans it before them otherwise.
    dependencies = [("core", "0001_initial"), ("accounts", "0001_initial"), ("catalog", "0001_initial")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Cart",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="customer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="carts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("session_key", fields.CharField(null=True, unique=True, max_length=64)),
            ],
            options={"table": "cart", "app": "orders", "pk_attr": "id"},
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="CartLine",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "cart",
                    fields.ForeignKeyField(
                        "orders.Cart",
                        source_field="cart_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lines",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "sku",
                    fields.ForeignKeyField(
                        "catalog.Sku",
                        source_field="sku_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="cart_lines",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "shop",
                    fields.ForeignKeyField(
                        "core.Shop",
                        source_field="shop_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("quantity", fields.IntField()),
            ],
            options={
                "table": "cart_line",
                "app": "orders",
                "unique_together": (("cart", "sku"),),
                "pk_attr": "id",
            },
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="Payment",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("reference", fields.CharField(unique=True, max_length=32)),
                ("amount", fields.IntField()),
                ("currency", fields.CharField(default="CNY", max_length=3)),
                ("provider", fields.CharField(default="", max_length=32)),
                ("state", fields.CharField(default="pending", db_index=True, max_length=16)),
                ("provider_ref", fields.CharField(default="", max_length=64)),
                ("paid_amount", fields.IntField(default=0)),
                ("refunded_amount", fields.IntField(default=0)),
                ("paid_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "payment", "app": "orders", "pk_attr": "id"},
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="Checkout",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="checkouts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("idempotency_key", fields.CharField(max_length=64)),
                (
                    "payment",
                    fields.ForeignKeyField(
                        "orders.Payment",
                        source_field="payment_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="checkouts",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("request_hash", fields.CharField(default="", max_length=64)),
            ],
            options={
                "table": "checkout",
                "app": "orders",
                "unique_together": (("customer", "idempotency_key"),),
                "pk_attr": "id",
                "table_description": "One placement of a cart: its idempotency key makes a double submit one set of orders.",
            },
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="Order",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "shop",
                    fields.ForeignKeyField(
                        "core.Shop",
                        source_field="shop_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("number", fields.CharField(unique=True, max_length=32)),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="orders",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "checkout",
                    fields.ForeignKeyField(
                        "orders.Checkout",
                        source_field="checkout_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="orders",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "payment",
                    fields.ForeignKeyField(
                        "orders.Payment",
                        source_field="payment_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="orders",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "state",
                    fields.CharField(default="pending_payment", db_index=True, max_length=20),
                ),
                ("currency", fields.CharField(default="CNY", max_length=3)),
                ("subtotal", fields.IntField()),
                ("adjustments_total", fields.IntField(default=0)),
                ("total", fields.IntField()),
                ("paid_amount", fields.IntField(default=0)),
                ("refunded_amount", fields.IntField(default=0)),
                (
                    "shipping_address",
                    fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads),
                ),
                ("buyer_note", fields.CharField(default="", max_length=200)),
                (
                    "referral_chain",
                    fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads),
                ),
                ("expires_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("paid_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("shipped_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                (
                    "completed_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "cancelled_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={"table": "shop_order", "app": "orders", "pk_attr": "id"},
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="OrderLine",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "shop",
                    fields.ForeignKeyField(
                        "core.Shop",
                        source_field="shop_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "order",
                    fields.ForeignKeyField(
                        "orders.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lines",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "sku",
                    fields.ForeignKeyField(
                        "catalog.Sku",
                        source_field="sku_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="order_lines",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("product_id", fields.BigIntField()),
                ("title", fields.CharField(max_length=120)),
                ("specs", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("unit_price", fields.IntField()),
                ("quantity", fields.IntField()),
                ("line_subtotal", fields.IntField()),
                ("line_adjustments", fields.IntField(default=0)),
                ("line_total", fields.IntField()),
                ("refunded_amount", fields.IntField(default=0)),
                ("refunded_quantity", fields.IntField(default=0)),
            ],
            options={"table": "order_line", "app": "orders", "pk_attr": "id"},
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="OrderAdjustment",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "shop",
                    fields.ForeignKeyField(
                        "core.Shop",
                        source_field="shop_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "order",
                    fields.ForeignKeyField(
                        "orders.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="adjustments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "line",
                    fields.ForeignKeyField(
                        "orders.OrderLine",
                        source_field="line_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="adjustments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("code", fields.CharField(max_length=48)),
                ("label", fields.CharField(max_length=120)),
                ("amount", fields.IntField()),
                ("plugin", fields.CharField(max_length=64)),
            ],
            options={
                "table": "order_adjustment",
                "app": "orders",
                "pk_attr": "id",
                "table_description": "One labelled contribution to the total, tagged with the plugin that made it.",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="OrderTransition",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "shop",
                    fields.ForeignKeyField(
                        "core.Shop",
                        source_field="shop_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "order",
                    fields.ForeignKeyField(
                        "orders.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="transitions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("from_state", fields.CharField(max_length=20)),
                ("to_state", fields.CharField(max_length=20)),
                ("actor", fields.CharField(max_length=64)),
                ("reason", fields.CharField(default="", max_length=255)),
            ],
            options={
                "table": "order_transition",
                "app": "orders",
                "pk_attr": "id",
                "table_description": "Every state change: who, when, from, to, why. Append-only.",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="PaymentNotification",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("provider", fields.CharField(max_length=32)),
                ("notification_id", fields.CharField(max_length=128)),
                (
                    "payment",
                    fields.ForeignKeyField(
                        "orders.Payment",
                        source_field="payment_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="notifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("payload", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("outcome", fields.CharField(default="", max_length=32)),
            ],
            options={
                "table": "payment_notification",
                "app": "orders",
                "unique_together": (("provider", "notification_id"),),
                "pk_attr": "id",
                "table_description": "Every verified notification, once: replays find their row and change nothing.",
            },
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="Refund",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "shop",
                    fields.ForeignKeyField(
                        "core.Shop",
                        source_field="shop_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "order",
                    fields.ForeignKeyField(
                        "orders.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="refunds",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "payment",
                    fields.ForeignKeyField(
                        "orders.Payment",
                        source_field="payment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="refunds",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("amount", fields.IntField()),
                ("line_amounts", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("reason", fields.CharField(default="", max_length=255)),
                ("state", fields.CharField(default="pending", max_length=16)),
                ("provider_ref", fields.CharField(default="", max_length=64)),
                ("actor", fields.CharField(max_length=64)),
                ("idempotency_key", fields.CharField(null=True, unique=True, max_length=64)),
            ],
            options={"table": "refund", "app": "orders", "pk_attr": "id"},
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="Shipment",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                (
                    "shop",
                    fields.ForeignKeyField(
                        "core.Shop",
                        source_field="shop_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "order",
                    fields.ForeignKeyField(
                        "orders.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="shipments",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("carrier", fields.CharField(max_length=64)),
                ("tracking_number", fields.CharField(max_length=64)),
            ],
            options={"table": "shipment", "app": "orders", "pk_attr": "id"},
            bases=["ShopScopedModel"],
        ),
    ]
