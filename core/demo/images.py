"""Demo pictures drawn with Pillow: a coloured square with the product's initial.

No network and no bundled image files. A Chinese initial needs a CJK font; where none is
installed the Latin initial of the product's English name is drawn instead.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 600
# Common places of CJK fonts on Debian, Ubuntu, Fedora and macOS.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
LATIN_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)
PALETTE = (
    "#e4393c",
    "#ff9500",
    "#2e7d32",
    "#1677ff",
    "#722ed1",
    "#13a8a8",
    "#c41d7f",
    "#8c6d1f",
)


def _first_font(paths: tuple[str, ...], size: int) -> ImageFont.FreeTypeFont | None:
    for path in paths:
        if Path(path).is_file():
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return None


@lru_cache(maxsize=8)
def _fonts(size: int) -> tuple[ImageFont.FreeTypeFont | None, ImageFont.ImageFont]:
    latin = _first_font(LATIN_FONTS, size) or ImageFont.load_default(size=size)
    return _first_font(CJK_FONTS, size), latin


def colour_for(text: str) -> str:
    """A stable colour of the palette for ``text``."""
    return PALETTE[hashlib.sha256(text.encode()).digest()[0] % len(PALETTE)]


def _ink(background: str) -> str:
    red, green, blue = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#222222" if red * 0.299 + green * 0.587 + blue * 0.114 > 170 else "#ffffff"


def initial_picture(
    title: str, latin: str, background: str | None = None, *, size: int = SIZE
) -> bytes:
    """A PNG square of ``background`` with the first character of ``title`` (or ``latin``)."""
    background = background or colour_for(title)
    cjk, latin_font = _fonts(size // 2)
    text, font = (title[:1], cjk) if cjk is not None else (latin[:1].upper() or "?", latin_font)
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    draw.text((size / 2, size / 2), text, fill=_ink(background), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def round_logo(name: str, latin: str, *, size: int = 160) -> bytes:
    """A shop logo: a coloured disc with the shop's initial, on white."""
    square = Image.open(io.BytesIO(initial_picture(name, latin, size=size)))
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size - 1, size - 1), fill=255)
    logo = Image.new("RGB", (size, size), "#ffffff")
    logo.paste(square, (0, 0), mask)
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
