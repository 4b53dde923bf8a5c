"""Messages the page handlers translate (flashes, errors) are in every shipped catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import shequ.core.storefront.pages as pages
from shequ.core.storefront.check import REQUIRED_LANGUAGES
from shequ.core.storefront.i18n import read_catalog
from shequ.core.storefront.pages.messages import BY_CODE, FIELD_NAMES
from shequ.core.storefront.themes import builtin_themes_dir

SOURCES = sorted(Path(pages.__file__).parent.glob("*.py"))


def handler_messages() -> set[str]:
    found = set(BY_CODE.values()) | set(FIELD_NAMES.values())
    for path in SOURCES:
        text = path.read_text("utf-8")
        found |= set(re.findall(r'translate\(\s*request,\s*"([^"]+)"', text))
        found |= set(re.findall(r'message = "([^"]+)"', text))  # translated a line later
    return found


def test_the_extraction_finds_messages():
    assert {"Added to your cart.", "Wrong account or password.", "Recipient"} <= handler_messages()


@pytest.mark.parametrize("language", REQUIRED_LANGUAGES)
def test_every_handler_message_is_translated(language):
    path = builtin_themes_dir() / "default" / "locales" / language / "LC_MESSAGES" / "messages.po"
    translated = {m.id for m in read_catalog(path, language) if m.id and m.string and not m.fuzzy}
    assert sorted(handler_messages() - translated) == []
