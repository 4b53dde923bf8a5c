from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0001_initial"),
        ("orders", "0001_initial"),
    ]

    initial = True

    operations = [
        ops.CreateModel(
            name="Binding",
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
                    "customer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="distribution_bindings",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "referrer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="referrer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="distribution_referrals",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("source", fields.CharField(max_length=16)),
                ("bound_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("version", fields.IntField(default=0)),
            ],
            options={
                "table": "distribution_binding",
                "app": "distribution",
                "unique_together": (("shop", "customer"),),
                "indexes": [Index(fields=["shop_id", "referrer_id"])],
                "pk_attr": "id",
                "table_description": "Who referred a customer to this shop. One row per (shop, customer): the race guard.",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="BindingChange",
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
                    "customer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "from_referrer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="from_referrer_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "to_referrer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="to_referrer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("source", fields.CharField(max_length=16)),
                ("actor", fields.CharField(max_length=64)),
                ("reason", fields.CharField(default="", max_length=120)),
            ],
            options={
                "table": "distribution_binding_change",
                "app": "distribution",
                "pk_attr": "id",
                "table_description": "Every binding change: who, when, from which referrer to which, and why.",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="Commission",
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
                        related_name="commissions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "order_line",
                    fields.ForeignKeyField(
                        "orders.OrderLine",
                        source_field="order_line_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="commissions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "beneficiary",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="beneficiary_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="commissions",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("level", fields.SmallIntField()),
                ("currency", fields.CharField(max_length=3)),
                ("base_amount", fields.IntField()),
                ("rate_percent", fields.DecimalField(null=True, max_digits=7, decimal_places=4)),
                ("amount", fields.IntField()),
                ("reversed_amount", fields.IntField(default=0)),
                ("state", fields.CharField(default="pending", max_length=16)),
                ("rule", fields.CharField(max_length=120)),
                ("plugin", fields.CharField(max_length=64)),
                ("explanation", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("settle_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("version", fields.IntField(default=0)),
            ],
            options={
                "table": "distribution_commission",
                "app": "distribution",
                "indexes": [
                    Index(fields=["state", "settle_at"]),
                    Index(fields=["shop_id", "beneficiary_id"]),
                ],
                "pk_attr": "id",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="CommissionChange",
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
                    "commission",
                    fields.ForeignKeyField(
                        "distribution.Commission",
                        source_field="commission_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="changes",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("from_state", fields.CharField(max_length=16)),
                ("to_state", fields.CharField(max_length=16)),
                ("amount", fields.IntField()),
                ("actor", fields.CharField(max_length=64)),
                ("reason", fields.CharField(default="", max_length=255)),
            ],
            options={
                "table": "distribution_commission_change",
                "app": "distribution",
                "pk_attr": "id",
                "table_description": "Every change of a commission: a state move, or a partial reversal (same state).",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="CommissionPlan",
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
                    fields.OneToOneField(
                        "orders.Order",
                        source_field="order_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="commission_plan",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("chain", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ("status", fields.CharField(max_length=16)),
                ("reason", fields.CharField(default="", max_length=255)),
                ("dropped", fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={
                "table": "distribution_commission_plan",
                "app": "distribution",
                "pk_attr": "id",
                "table_description": "One per order: the plan was built (idempotency), with its outcome and dropped lines.",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="Distributor",
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
                    "customer",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="distributor_roles",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("code", fields.CharField(unique=True, max_length=16)),
                ("status", fields.CharField(default="pending", max_length=16)),
                (
                    "invited_by",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="invited_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="distributor_invitations",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("decided_by", fields.CharField(default="", max_length=64)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "distribution_distributor",
                "app": "distribution",
                "unique_together": (("shop", "customer"),),
                "pk_attr": "id",
                "table_description": "A customer who promotes one shop. One customer may distribute for several shops.",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="DistributorChange",
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
                    "distributor",
                    fields.ForeignKeyField(
                        "distribution.Distributor",
                        source_field="distributor_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="changes",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("from_status", fields.CharField(max_length=16)),
                ("to_status", fields.CharField(max_length=16)),
                ("actor", fields.CharField(max_length=64)),
                ("reason", fields.CharField(default="", max_length=255)),
            ],
            options={
                "table": "distribution_distributor_change",
                "app": "distribution",
                "pk_attr": "id",
                "table_description": "Every status change of a distributor (application, approval, suspension).",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="Withdrawal",
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
                    "beneficiary",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="beneficiary_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="withdrawals",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("amount", fields.IntField()),
                ("currency", fields.CharField(max_length=3)),
                ("state", fields.CharField(default="requested", max_length=16)),
                ("idempotency_key", fields.CharField(max_length=64)),
                ("reference", fields.CharField(unique=True, max_length=32)),
                ("provider", fields.CharField(default="", max_length=32)),
                ("provider_ref", fields.CharField(default="", max_length=64)),
                ("decided_by", fields.CharField(default="", max_length=64)),
                ("decided_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("reason", fields.CharField(default="", max_length=255)),
                ("version", fields.IntField(default=0)),
            ],
            options={
                "table": "distribution_withdrawal",
                "app": "distribution",
                "unique_together": (("shop", "beneficiary", "idempotency_key"),),
                "pk_attr": "id",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="LedgerEntry",
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
                    "beneficiary",
                    fields.ForeignKeyField(
                        "accounts.Customer",
                        source_field="beneficiary_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="ledger_entries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("bucket", fields.CharField(max_length=16)),
                ("amount", fields.IntField()),
                ("currency", fields.CharField(max_length=3)),
                ("kind", fields.CharField(max_length=24)),
                (
                    "commission",
                    fields.ForeignKeyField(
                        "distribution.Commission",
                        source_field="commission_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="entries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "withdrawal",
                    fields.ForeignKeyField(
                        "distribution.Withdrawal",
                        source_field="withdrawal_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="entries",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("actor", fields.CharField(default="system", max_length=64)),
            ],
            options={
                "table": "distribution_ledger_entry",
                "app": "distribution",
                "indexes": [Index(fields=["shop_id", "beneficiary_id", "bucket"])],
                "pk_attr": "id",
                "table_description": "Append-only: never updated, never deleted. Moves are a pair of entries summing to 0.",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="WithdrawalChange",
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
                    "withdrawal",
                    fields.ForeignKeyField(
                        "distribution.Withdrawal",
                        source_field="withdrawal_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="changes",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("from_state", fields.CharField(max_length=16)),
                ("to_state", fields.CharField(max_length=16)),
                ("actor", fields.CharField(max_length=64)),
                ("reason", fields.CharField(default="", max_length=255)),
            ],
            options={
                "table": "distribution_withdrawal_change",
                "app": "distribution",
                "pk_attr": "id",
            },
            bases=["ShopScopedModel"],
        ),
    ]
