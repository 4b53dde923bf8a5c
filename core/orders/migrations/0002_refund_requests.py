from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0001_initial"),
        ("core", "0001_initial"),
        ("orders", "0001_initial"),
    ]

    initial = False

    operations = [
        ops.CreateModel(
            name="RefundRequest",
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
                        related_name="refund_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="refund_requests",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("amount", fields.IntField(null=True)),
                ("reason", fields.CharField(default="", max_length=255)),
                ("state", fields.CharField(default="open", max_length=16)),
                ("decided_by", fields.CharField(default="", max_length=64)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "refund_request",
                "app": "orders",
                "pk_attr": "id",
                "table_description": "A buyer's request for a refund (申请退款). The seller decides and refunds.",
            },
            bases=["ShopScopedModel"],
        ),
        ops.AddConstraint(
            model_name="Cart",
            constraint=UniqueConstraint(fields=("customer_id",), name=None),
        ),
        ops.AddField(
            model_name="OrderAdjustment",
            name="requested_amount",
            field=fields.IntField(null=True),
        ),
    ]
