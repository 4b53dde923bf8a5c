from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Customer",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ("nickname", fields.CharField(default="", max_length=64)),
                ("avatar_url", fields.CharField(default="", max_length=500)),
                ("status", fields.CharField(default="active", max_length=16)),
                ("language", fields.CharField(default="", max_length=8)),
            ],
            options={"table": "customer", "app": "accounts", "pk_attr": "id"},
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="Address",
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
                        related_name="addresses",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("recipient", fields.CharField(max_length=64)),
                ("phone", fields.CharField(max_length=32)),
                ("province", fields.CharField(max_length=32)),
                ("city", fields.CharField(max_length=32)),
                ("district", fields.CharField(max_length=32)),
                ("detail", fields.CharField(max_length=255)),
                ("is_default", fields.BooleanField(default=False)),
            ],
            options={"table": "address", "app": "accounts", "pk_attr": "id"},
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="ApiToken",
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
                        related_name="api_tokens",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("token_hash", fields.CharField(unique=True, max_length=64)),
                ("label", fields.CharField(default="", max_length=64)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "last_used_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                ("revoked", fields.BooleanField(default=False)),
            ],
            options={
                "table": "api_token",
                "app": "accounts",
                "pk_attr": "id",
                "table_description": "A bearer token for headless clients (e.g. a WeChat mini program). Only a hash is kept.",
            },
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="Identity",
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
                        related_name="identities",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("kind", fields.CharField(max_length=24)),
                ("value", fields.CharField(max_length=191)),
                ("password_hash", fields.CharField(default="", max_length=255)),
                ("verified", fields.BooleanField(default=False)),
            ],
            options={
                "table": "identity",
                "app": "accounts",
                "unique_together": (("kind", "value"),),
                "pk_attr": "id",
            },
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="ShopFollow",
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
                        related_name="follows",
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
                        related_name="followers",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "shop_follow",
                "app": "accounts",
                "unique_together": (("customer", "shop"),),
                "pk_attr": "id",
                "table_description": "收藏店铺: a customer follows a shop.",
            },
            bases=["TimestampedModel"],
        ),
        ops.CreateModel(
            name="StaffRole",
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
                        related_name="staff_roles",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "shop",
                    fields.ForeignKeyField(
                        "core.Shop",
                        source_field="shop_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="staff",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("role", fields.CharField(max_length=16)),
            ],
            options={
                "table": "staff_role",
                "app": "accounts",
                "unique_together": (("customer", "shop"),),
                "pk_attr": "id",
                "table_description": "Who may use the admin: a platform operator (``shop`` is null), a shop owner or staff.",
            },
            bases=["TimestampedModel"],
        ),
    ]
