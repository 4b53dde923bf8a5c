"""The distribution plugin's own pages: the buyer's distributor center (storefront) and the
seller's admin pages, built only on public extension points, as any plugin would be."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Searched by the storefront's theme chain (after the theme, before the default theme).
STOREFRONT_TEMPLATES = TEMPLATES / "storefront"
# Fragments for the admin, rendered by our own environment and wrapped in the admin layout.
ADMIN_TEMPLATES = TEMPLATES / "admin"
