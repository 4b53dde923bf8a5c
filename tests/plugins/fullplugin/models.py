from tortoise import fields

from shequ.core.shops.scope import ShopScopedModel


class Note(ShopScopedModel):
    text = fields.CharField(max_length=200)

    class Meta:
        table = "fullplugin_note"
        ordering = ["id"]
