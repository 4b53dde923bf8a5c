"""Share cards for Moments and chats: plugins fill the fields, earlier plugins win."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from shequ.core.hooktypes import ShareCard

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime

FIELDS = ("title", "description", "image_url", "link")


async def build_share_card(
    runtime: Runtime,
    target_type: str,
    target_id: int,
    shop_id: int | None,
    fallback: ShareCard | None = None,
) -> ShareCard:
    """Merge the ``shequ_share_card`` contributions over ``fallback`` (the core's own card).

    Plugins are asked in call order; a field set by an earlier plugin is kept, and later
    ones only fill the gaps. ``plugin`` names every plugin that contributed a field.
    """
    merged: dict[str, str | None] = {name: None for name in FIELDS}
    contributors: list[str] = []
    results = await runtime.hooks.transform(
        "shequ_share_card", target_type=target_type, target_id=target_id, shop_id=shop_id
    )
    for tagged in results:
        card = tagged.value
        if not isinstance(card, ShareCard):
            raise TypeError(f"{tagged.plugin}: shequ_share_card must return a ShareCard")
        for name in FIELDS:
            value = getattr(card, name)
            if value and not merged[name]:
                merged[name] = value
                if tagged.plugin not in contributors:
                    contributors.append(tagged.plugin)
    if fallback is not None:
        for name in FIELDS:
            merged[name] = merged[name] or getattr(fallback, name)
    return dataclasses.replace(ShareCard(**merged), plugin=",".join(contributors))
