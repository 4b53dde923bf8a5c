"""Media storage and product images: real images in, anything else refused."""

from __future__ import annotations

import hashlib

import pytest

from shequ.core.catalog import products
from shequ.core.catalog.errors import InvalidImage
from shequ.core.catalog.models import Product, ProductImage
from shequ.core.catalog.products import MAX_IMAGE_BYTES
from shequ.core.catalog.storage import LocalStorage, Storage, storage_for
from shequ.core.shops.scope import ALL_SHOPS, shop_scope
from tests.core.catalog.builders import png_bytes, simple


async def test_local_storage_is_content_addressed(tmp_path):
    storage = LocalStorage(tmp_path / "media", "/media/")
    assert isinstance(storage, Storage)
    data = png_bytes()
    key = await storage.save(data, "photo.PNG", "image/png")
    digest = hashlib.sha256(data).hexdigest()
    assert key == f"{digest[:2]}/{digest[:32]}.png"
    assert (tmp_path / "media" / key).read_bytes() == data
    assert await storage.save(data, "other-name.png", "image/png") == key
    assert storage.url(key) == f"/media/{key}"
    await storage.delete(key)
    assert not (tmp_path / "media" / key).exists()
    await storage.delete(key)  # already gone: not an error
    assert list((tmp_path / "media").rglob("*.png")) == []


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/file.png", "ab/../../x.png", "AB/x.png"])
async def test_storage_refuses_keys_it_did_not_make(tmp_path, key):
    storage = LocalStorage(tmp_path, "/media")
    with pytest.raises(ValueError):
        storage.url(key)
    with pytest.raises(ValueError):
        await storage.delete(key)


async def test_storage_for_uses_media_settings_and_is_cached(runtime):
    storage = storage_for(runtime)
    assert storage is storage_for(runtime)
    assert storage.root == runtime.settings.base_dir / "media"
    assert storage.url_prefix == "/media/"


@pytest.mark.parametrize(
    "fmt,ctype",
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
async def test_real_images_are_stored_and_cover_set(runtime, main_shop, fmt, ctype):
    product = await products.create_product(runtime, main_shop.id, simple("茶", "TEA"))
    data = png_bytes(fmt=fmt)
    # The client's claims (name, type) do not matter; the bytes do.
    image = await products.add_image(runtime, product, data, "x.bin", "text/plain", alt="正面")
    storage = storage_for(runtime)
    assert storage.root.joinpath(image.storage_key).read_bytes() == data
    assert image.storage_key.endswith({"image/jpeg": ".jpg"}.get(ctype, "." + fmt.lower()))
    with shop_scope(main_shop.id):
        stored = await Product.get(id=product.id)
    assert stored.cover_url == storage.url(image.storage_key)
    second = await products.add_image(runtime, product, png_bytes(color="blue"), "b.png", "")
    assert (image.sort, second.sort) == (0, 1)
    with shop_scope(main_shop.id):
        assert (await Product.get(id=product.id)).cover_url == stored.cover_url


def bmp_bytes() -> bytes:
    return png_bytes(fmt="BMP")


@pytest.mark.parametrize(
    "data,message",
    [
        (b"this is not an image, just text", "not a readable image"),
        (b"", "empty"),
        (png_bytes()[:40], "not a readable image"),  # truncated
        (bmp_bytes(), "BMP images are not accepted"),
        (b"\x89PNG" + b"\0" * (MAX_IMAGE_BYTES + 1), "limit is 5 MB"),
    ],
    ids=["text renamed .png", "empty", "truncated png", "bmp", "too big"],
)
async def test_anything_else_is_refused_and_nothing_is_written(runtime, main_shop, data, message):
    product = await products.create_product(runtime, main_shop.id, simple("茶", "TEA"))
    with pytest.raises(InvalidImage, match=message) as caught:
        await products.add_image(runtime, product, data, "photo.png", "image/png")
    assert isinstance(caught.value, ValueError)
    with shop_scope(ALL_SHOPS):
        assert await ProductImage.all().count() == 0
        assert (await Product.get(id=product.id)).cover_url == ""
    root = storage_for(runtime).root
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


async def test_remove_image_keeps_shared_files(runtime, main_shop):
    tea = await products.create_product(runtime, main_shop.id, simple("茶", "TEA"))
    cup = await products.create_product(runtime, main_shop.id, simple("杯", "CUP"))
    data, other = png_bytes(), png_bytes(color="green")
    first = await products.add_image(runtime, tea, data, "a.png", "image/png")
    second = await products.add_image(runtime, tea, other, "b.png", "image/png")
    shared = await products.add_image(runtime, cup, data, "a.png", "image/png")
    storage = storage_for(runtime)
    await products.remove_image(runtime, main_shop.id, first.id)
    with shop_scope(main_shop.id):
        # The cover moves to the next image; the file stays while the cup still uses it.
        assert (await Product.get(id=tea.id)).cover_url == storage.url(second.storage_key)
    assert (storage.root / first.storage_key).exists()
    await products.remove_image(runtime, main_shop.id, shared.id)
    assert not (storage.root / first.storage_key).exists()
    with shop_scope(main_shop.id):
        assert (await Product.get(id=cup.id)).cover_url == ""
