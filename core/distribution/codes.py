"""Referral codes, and the share link and QR scene string that carry them."""

from __future__ import annotations

import re
import secrets

# No 0/O/1/I/L: codes are read aloud and typed in from a screenshot.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
SCENE_PREFIX = "ref:"
_VALID = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(raw: object) -> str | None:
    """The code in canonical form, or ``None`` when it cannot be one (forged, mangled)."""
    if not isinstance(raw, str):
        return None
    code = raw.strip().upper()
    return code if _VALID.match(code) else None


def share_link(base_url: str, code: str) -> str:
    """A link to the platform that binds whoever opens it (the code names its shop)."""
    return f"{base_url.rstrip('/')}/?ref={code}"


def scene_for(code: str) -> str:
    """The WeChat QR scene string (at most 64 characters) for a code."""
    return SCENE_PREFIX + code


def code_from_scene(scene: object) -> str | None:
    if not isinstance(scene, str) or not scene.startswith(SCENE_PREFIX):
        return None
    return normalize_code(scene[len(SCENE_PREFIX) :])
