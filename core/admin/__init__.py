"""The seller and platform admin at ``/admin``: server-rendered pages for shop staff and the
platform operator. :func:`setup_admin` installs its routes, templates and static files."""

from shequ.core.admin.routes import setup_admin

__all__ = ["setup_admin"]
