from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Category",
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
                ("name", fields.CharField(max_length=64)),
                ("slug", fields.CharField(max_length=64)),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "catalog.Category",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="children",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("sort", fields.IntField(default=0)),
            ],
            options={
                "table": "category",
                "app": "catalog",
                "unique_together": (("shop", "slug"),),
                "pk_attr": "id",
            },
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="Product",
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
                ("title", fields.CharField(max_length=120)),
                ("subtitle", fields.CharField(default="", max_length=200)),
                ("description_html", fields.TextField(default="", unique=False)),
                (
                    "category",
                    fields.ForeignKeyField(
                        "catalog.Category",
                        source_field="category_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="products",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("status", fields.CharField(default="draft", db_index=True, max_length=16)),
                (
                    "spec_attributes",
                    fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads),
                ),
                ("min_price", fields.IntField(default=0)),
                ("max_price", fields.IntField(default=0)),
                ("currency", fields.CharField(default="CNY", max_length=3)),
                ("sales_count", fields.IntField(default=0)),
                ("sort", fields.IntField(default=0)),
                ("featured", fields.BooleanField(default=False)),
                ("cover_url", fields.CharField(default="", max_length=500)),
                ("search_text", fields.TextField(default="", unique=False)),
            ],
            options={"table": "product", "app": "catalog", "pk_attr": "id"},
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="ProductImage",
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
                    "product",
                    fields.ForeignKeyField(
                        "catalog.Product",
                        source_field="product_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="images",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("storage_key", fields.CharField(max_length=255)),
                ("alt", fields.CharField(default="", max_length=120)),
                ("sort", fields.IntField(default=0)),
            ],
            options={"table": "product_image", "app": "catalog", "pk_attr": "id"},
            bases=["ShopScopedModel"],
        ),
        ops.CreateModel(
            name="Sku",
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
                    "product",
                    fields.ForeignKeyField(
                        "catalog.Product",
                        source_field="product_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="skus",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("code", fields.CharField(max_length=64)),
                ("specs", fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ("price", fields.IntField()),
                ("compare_at_price", fields.IntField(null=True)),
                ("currency", fields.CharField(default="CNY", max_length=3)),
                ("stock", fields.IntField(default=0)),
                ("active", fields.BooleanField(default=True)),
            ],
            options={
                "table": "sku",
                "app": "catalog",
                "unique_together": (("shop", "code"),),
                "pk_attr": "id",
            },
            bases=["ShopScopedModel"],
        ),
    ]
