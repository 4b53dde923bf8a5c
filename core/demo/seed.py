"""Fill a fresh demo database: three shops with categories and ~30 products (SKUs, stock,
pictures), an operator, a seller who owns the first shop, and a buyer with an address.

Everything goes through the same services the admin uses, in one transaction: a seed that
fails leaves nothing behind. The accounts and their generated passwords are kept in
``demo-accounts.json`` beside the config, which also marks the folder as seeded.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from shequ.core.accounts.service import OPERATOR, OWNER, add_address, grant_role, register
from shequ.core.catalog.products import add_image, create_category, create_product, publish
from shequ.core.catalog.storage import storage_for
from shequ.core.demo.catalog import COLOURS, SHOPS, DemoShop, skus_of
from shequ.core.demo.images import initial_picture, round_logo
from shequ.core.shops.models import Shop

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

ACCOUNTS_FILE = "demo-accounts.json"
# Reserved for examples (RFC 2606): no mail can reach a real person.
OPERATOR_EMAIL = "operator@shequ.test"
SELLER_EMAIL = "seller@shequ.test"
BUYER_EMAIL = "buyer@shequ.test"
BUYER_ADDRESS = {
    "recipient": "李小社",
    "phone": "13800138000",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "detail": "文三路 100 号",
}
# Each shop's own brand colour (a theme option shops may override).
BRAND_COLOURS = ("#e4393c", "#2e7d32", "#8c6d1f")


@dataclass(frozen=True)
class DemoAccounts:
    operator_email: str
    operator_password: str
    seller_email: str
    seller_password: str
    seller_shop: str
    buyer_email: str
    buyer_password: str


def read_accounts(folder: Path) -> DemoAccounts | None:
    path = folder / ACCOUNTS_FILE
    if not path.is_file():
        return None
    return DemoAccounts(**json.loads(path.read_text(encoding="utf-8")))


def _write_accounts(folder: Path, accounts: DemoAccounts) -> None:
    path = folder / ACCOUNTS_FILE
    # Only the owner may read the passwords.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(accounts), handle, ensure_ascii=False, indent=2)


def _password() -> str:
    return secrets.token_urlsafe(9)


async def _shop(runtime: Runtime, demo: DemoShop, position: int) -> Shop:
    """The demo shop; the platform's first, still empty shop is taken over by the first."""
    shop = await Shop.get_or_none(slug=demo.slug)
    if shop is None and position == 0:
        shop = await Shop.all().order_by("id").first()
    if shop is None:
        shop = Shop(slug=demo.slug)
    storage = storage_for(runtime)
    logo = await storage.save(round_logo(demo.name, demo.latin), f"{demo.slug}.png", "image/png")
    shop.slug = demo.slug
    shop.name = demo.name
    shop.notice = demo.notice
    shop.logo_url = storage.url(logo)
    shop.theme_options = {"brand_color": BRAND_COLOURS[position % len(BRAND_COLOURS)]}
    await shop.save()
    return shop


async def _fill_shop(runtime: Runtime, shop: Shop, demo: DemoShop) -> int:
    categories = {}
    for sort, name in enumerate(demo.categories):
        category = await create_category(runtime, shop.id, name, sort=sort)
        categories[name] = category.id
    for index, item in enumerate(demo.products, start=1):
        product = await create_product(
            runtime,
            shop.id,
            {
                "title": item.title,
                "subtitle": item.subtitle,
                "description": item.description,
                "category_id": categories[item.category],
                "spec_attributes": [
                    {"name": name, "values": list(values)} for name, values in item.specs.items()
                ],
                "skus": skus_of(demo, index, item),
                "featured": item.featured,
                "sort": index,
            },
        )
        colours = [COLOURS[v] for v in item.specs.get("颜色", ()) if v in COLOURS][:2]
        for colour in colours or [None]:
            picture = initial_picture(item.title, item.latin, colour)
            await add_image(runtime, product, picture, f"{demo.code}-{index}.png", "image/png")
        await publish(runtime, shop.id, product.id)
    return len(demo.products)


async def seed(runtime: Runtime, folder: Path) -> DemoAccounts:
    """Seed the demo platform once; later runs read the accounts back."""
    existing = read_accounts(folder)
    if existing is not None:
        return existing
    accounts = DemoAccounts(
        operator_email=OPERATOR_EMAIL,
        operator_password=_password(),
        seller_email=SELLER_EMAIL,
        seller_password=_password(),
        seller_shop=SHOPS[0].slug,
        buyer_email=BUYER_EMAIL,
        buyer_password=_password(),
    )
    async with in_transaction():
        shops = [await _shop(runtime, demo, position) for position, demo in enumerate(SHOPS)]
        for shop, demo in zip(shops, SHOPS, strict=True):
            await _fill_shop(runtime, shop, demo)
        operator = await register("email", OPERATOR_EMAIL, accounts.operator_password, "平台运营")
        await grant_role(operator, OPERATOR)
        seller = await register("email", SELLER_EMAIL, accounts.seller_password, "小城店主")
        await grant_role(seller, OWNER, shops[0].id)
        buyer = await register("email", BUYER_EMAIL, accounts.buyer_password, "李小社")
        await add_address(buyer, BUYER_ADDRESS)
    _write_accounts(folder, accounts)
    return accounts
