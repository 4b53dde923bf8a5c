"""Product descriptions are seller HTML shown to buyers: keep a small safe subset (nh3)."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "img", "h3", "h4", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"img": {"src", "alt"}, "a": {"href"}}
# No javascript:, data: or other schemes; relative URLs (our own /media/...) pass.
URL_SCHEMES = {"http", "https", "mailto"}


def clean_description(html: str) -> str:
    """Sanitised description HTML: script/style dropped with their content, on* attributes
    and unsafe URLs removed, links marked ``rel="nofollow noopener"``."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    ).strip()
