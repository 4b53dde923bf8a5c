"""Builders for catalog tests: plugins made of functions, product inputs, images."""

from __future__ import annotations

import io
import types
from typing import Any

from PIL import Image

from shequ.core import hookimpl
from shequ.core.catalog import products


def plugin(name: str, **hooks: Any) -> types.ModuleType:
    """A plugin module whose hooks are the given functions."""
    module = types.ModuleType(name)
    for hook_name, fn in hooks.items():
        setattr(module, hook_name, hookimpl(fn))
    return module


def enabled(*names: str) -> dict[str, Any]:
    return {"plugins": {"enabled": list(names)}}


def sku(code: str, price: int = 9900, stock: int = 5, **fields: Any) -> dict[str, Any]:
    return {"code": code, "price": price, "stock": stock, **fields}


def dress(title: str = "夏季连衣裙", **overrides: Any) -> dict[str, Any]:
    """A product with two spec attributes and one SKU per combination.

    SKU codes derive from the title, so two products built here can share a shop.
    """
    prefix = title[:1].encode().hex()
    data: dict[str, Any] = {
        "title": title,
        "subtitle": "Cotton Summer Dress",
        "description": "<p>好看</p>",
        "spec_attributes": [
            {"name": "颜色", "values": ["红", "蓝"]},
            {"name": "尺码", "values": ["M", "L"]},
        ],
        "skus": [
            sku(f"{prefix}-R-M", 9900, specs={"颜色": "红", "尺码": "M"}),
            sku(f"{prefix}-R-L", 10900, specs={"颜色": "红", "尺码": "L"}),
            sku(f"{prefix}-B-M", 9900, specs={"颜色": "蓝", "尺码": "M"}),
            sku(f"{prefix}-B-L", 12900, specs={"颜色": "蓝", "尺码": "L"}),
        ],
    }
    data.update(overrides)
    return data


def simple(title: str, code: str, price: int = 1000, stock: int = 10, **overrides: Any):
    """A product without spec attributes: one SKU."""
    return {"title": title, "skus": [sku(code, price, stock)], **overrides}


async def published(runtime, shop_id: int, data: dict[str, Any]):
    product = await products.create_product(runtime, shop_id, data)
    return await products.publish(runtime, shop_id, product.id)


def png_bytes(size: tuple[int, int] = (8, 6), color: str = "red", fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


async def drain(runtime, rounds: int = 20) -> None:
    for _ in range(rounds):
        if not await runtime.runner.run_due():
            return
