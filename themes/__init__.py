"""Storefront themes; ``default/`` is the reference theme."""
