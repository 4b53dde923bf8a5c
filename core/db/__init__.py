"""Database access: the per-runtime tortoise context, base models, migrations."""
