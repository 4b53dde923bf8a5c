"""A shop's catalog. Prices are integer fen with a currency code; stock lives on the SKU."""

from tortoise import fields

from shequ.core.shops.scope import ShopScopedModel


class Category(ShopScopedModel):
    name = fields.CharField(max_length=64)
    slug = fields.CharField(max_length=64)
    parent = fields.ForeignKeyField("catalog.Category", related_name="children", null=True)
    sort = fields.IntField(default=0)

    class Meta:
        table = "category"
        unique_together = (("shop", "slug"),)
        ordering = ["sort", "id"]


class ProductStatus:
    DRAFT = "draft"
    PUBLISHED = "published"


class Product(ShopScopedModel):
    title = fields.CharField(max_length=120)
    subtitle = fields.CharField(max_length=200, default="")
    # Sanitised HTML (nh3) - never the raw input.
    description_html = fields.TextField(default="")
    category = fields.ForeignKeyField(
        "catalog.Category", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharField(max_length=16, default=ProductStatus.DRAFT, db_index=True)
    # The spec attributes SKUs vary by, in display order: [{"name": "颜色", "values": [...]}].
    spec_attributes = fields.JSONField(default=list)
    # Cached from the SKUs for listings and sorting.
    min_price = fields.IntField(default=0)
    max_price = fields.IntField(default=0)
    currency = fields.CharField(max_length=3, default="CNY")
    sales_count = fields.IntField(default=0)
    sort = fields.IntField(default=0)
    featured = fields.BooleanField(default=False)
    cover_url = fields.CharField(max_length=500, default="")
    # Lower-cased title, subtitle and SKU specs for substring search (works for Chinese).
    search_text = fields.TextField(default="")

    class Meta:
        table = "product"
        ordering = ["sort", "id"]


class ProductImage(ShopScopedModel):
    product = fields.ForeignKeyField("catalog.Product", related_name="images")
    # A storage key (see core/catalog/storage.py), not a URL.
    storage_key = fields.CharField(max_length=255)
    alt = fields.CharField(max_length=120, default="")
    sort = fields.IntField(default=0)

    class Meta:
        table = "product_image"
        ordering = ["sort", "id"]


class Sku(ShopScopedModel):
    product = fields.ForeignKeyField("catalog.Product", related_name="skus")
    code = fields.CharField(max_length=64)
    # One value per spec attribute: {"颜色": "红", "尺码": "M"}.
    specs = fields.JSONField(default=dict)
    price = fields.IntField()
    compare_at_price = fields.IntField(null=True)
    currency = fields.CharField(max_length=3, default="CNY")
    # Taken only by a conditional update (stock >= qty); never negative.
    stock = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "sku"
        unique_together = (("shop", "code"),)
        ordering = ["id"]
