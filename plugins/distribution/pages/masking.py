"""What a distributor may see of the customers bound to them: never a full name."""

from __future__ import annotations


def mask_nickname(nickname: str | None) -> str:
    """``"张小明"`` -> ``"张**"``; an empty name stays anonymous."""
    name = (nickname or "").strip()
    if not name:
        return "匿名"
    if len(name) == 1:
        return name + "*"
    return name[0] + "*" * min(len(name) - 1, 4)
