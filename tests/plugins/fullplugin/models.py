from shequ.core.shops.scope import ShopScopedModel
from tortoise import fields


class Note(ShopScopedModel):
    text = fields.CharField(max_length=200)

    class Meta:
        table = "fullplugin_note"
        ordering = ["id"]
