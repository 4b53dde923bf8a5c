"""Carts span shops (one cart, several sellers); a checkout splits them into orders."""

from tortoise import fields

from shequ.core.db.models import TimestampedModel


class Cart(TimestampedModel):
    # A signed-in customer's cart, or a guest's (keyed by the session), merged at login.
    customer = fields.ForeignKeyField("accounts.Customer", related_name="carts", null=True)
    session_key = fields.CharField(max_length=64, null=True, unique=True)

    class Meta:
        table = "cart"
        # One cart per customer (guests have NULL here, which unique indexes allow repeatedly).
        unique_together = (("customer_id",),)
        ordering = ["id"]


class CartLine(TimestampedModel):
    cart = fields.ForeignKeyField("orders.Cart", related_name="lines")
    sku = fields.ForeignKeyField("catalog.Sku", related_name="cart_lines", on_delete=fields.CASCADE)
    shop = fields.ForeignKeyField("core.Shop", related_name=False)
    quantity = fields.IntField()

    class Meta:
        table = "cart_line"
        unique_together = (("cart", "sku"),)
        ordering = ["id"]


class Checkout(TimestampedModel):
    """One placement of a cart: its idempotency key makes a double submit one set of orders."""

    customer = fields.ForeignKeyField("accounts.Customer", related_name="checkouts")
    idempotency_key = fields.CharField(max_length=64)
    payment = fields.ForeignKeyField("orders.Payment", related_name="checkouts", null=True)
    # Hash of the request, so reusing a key for a different cart is refused.
    request_hash = fields.CharField(max_length=64, default="")

    class Meta:
        table = "checkout"
        unique_together = (("customer", "idempotency_key"),)
        ordering = ["id"]
