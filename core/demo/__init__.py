"""``shequ demo``: a demo platform on SQLite in a local folder, seeded and served.

:mod:`.cli` is the command, :mod:`.site` writes the folder's config, :mod:`.seed` fills the
database through the same services the admin uses, :mod:`.catalog` holds the demo shops
and products, and :mod:`.images` draws their pictures (no network).
"""
