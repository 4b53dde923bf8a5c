"""The shop (a seller's storefront on the platform) and its per-shop plugin settings."""

from tortoise import fields

from shequ.core.db.models import TimestampedModel


class Shop(TimestampedModel):
    slug = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=120)
    # "active" shops sell; "suspended" ones are hidden by the platform (supervision).
    status = fields.CharField(max_length=16, default="active")
    notice = fields.TextField(default="")
    logo_url = fields.CharField(max_length=500, default="")
    theme_options = fields.JSONField(default=dict)

    class Meta:
        table = "shop"
        ordering = ["id"]


class ShopPluginSetting(TimestampedModel):
    """A shop's overrides of one plugin's deployment settings (validated by its model)."""

    shop = fields.ForeignKeyField("core.Shop", related_name="plugin_settings")
    plugin = fields.CharField(max_length=64)
    values = fields.JSONField(default=dict)
    updated_by = fields.CharField(max_length=64, default="")

    class Meta:
        table = "shop_plugin_setting"
        unique_together = (("shop", "plugin"),)
        ordering = ["id"]
