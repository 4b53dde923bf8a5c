"""Shequ's core: hookspecs, plugin system, config, app factory, database, jobs, web.

Importing this package loads nothing heavy: plugins, the database and jobs start only
inside :func:`shequ.core.app.create_app` or a :class:`shequ.core.runtime.Runtime`.
"""

from shequ.core.pluginsys.markers import hookimpl, hookspec

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl", "hookspec"]
