"""Customers belong to the platform: one WeChat identity buys from every shop.

A customer signs in through one of its identities (email or phone with a password, or a
WeChat openid/unionid added by a plugin). Staff roles make a customer a platform operator
or a shop's owner or staff.
"""

from tortoise import fields

from shequ.core.db.models import TimestampedModel


class Customer(TimestampedModel):
    nickname = fields.CharField(max_length=64, default="")
    avatar_url = fields.CharField(max_length=500, default="")
    # "active" may sign in; "disabled" may not (set by the platform).
    status = fields.CharField(max_length=16, default="active")
    language = fields.CharField(max_length=8, default="")

    class Meta:
        table = "customer"
        ordering = ["id"]


class IdentityKind:
    EMAIL = "email"
    PHONE = "phone"
    WECHAT_OPENID = "wechat_openid"
    WECHAT_UNIONID = "wechat_unionid"


class Identity(TimestampedModel):
    customer = fields.ForeignKeyField("accounts.Customer", related_name="identities")
    kind = fields.CharField(max_length=24)
    # Normalised: lower-case e-mail, E.164-like phone, openid as given.
    value = fields.CharField(max_length=191)
    # argon2 hash for email/phone identities; empty for WeChat ones.
    password_hash = fields.CharField(max_length=255, default="")
    verified = fields.BooleanField(default=False)

    class Meta:
        table = "identity"
        unique_together = (("kind", "value"),)
        ordering = ["id"]


class Address(TimestampedModel):
    customer = fields.ForeignKeyField("accounts.Customer", related_name="addresses")
    recipient = fields.CharField(max_length=64)  # 收货人
    phone = fields.CharField(max_length=32)  # 手机
    province = fields.CharField(max_length=32)  # 省
    city = fields.CharField(max_length=32)  # 市
    district = fields.CharField(max_length=32)  # 区
    detail = fields.CharField(max_length=255)  # 详细地址
    is_default = fields.BooleanField(default=False)

    class Meta:
        table = "address"
        ordering = ["id"]


class ShopFollow(TimestampedModel):
    """收藏店铺: a customer follows a shop."""

    customer = fields.ForeignKeyField("accounts.Customer", related_name="follows")
    shop = fields.ForeignKeyField("core.Shop", related_name="followers")

    class Meta:
        table = "shop_follow"
        unique_together = (("customer", "shop"),)
        ordering = ["id"]


class ApiToken(TimestampedModel):
    """A bearer token for headless clients (e.g. a WeChat mini program). Only a hash is kept."""

    customer = fields.ForeignKeyField("accounts.Customer", related_name="api_tokens")
    token_hash = fields.CharField(max_length=64, unique=True)
    label = fields.CharField(max_length=64, default="")
    expires_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    revoked = fields.BooleanField(default=False)

    class Meta:
        table = "api_token"
        ordering = ["id"]


class StaffRole(TimestampedModel):
    """Who may use the admin: a platform operator (``shop`` is null), a shop owner or staff."""

    customer = fields.ForeignKeyField("accounts.Customer", related_name="staff_roles")
    shop = fields.ForeignKeyField("core.Shop", related_name="staff", null=True)
    role = fields.CharField(max_length=16)  # "operator" | "owner" | "staff"

    class Meta:
        table = "staff_role"
        unique_together = (("customer", "shop"),)
        ordering = ["id"]
