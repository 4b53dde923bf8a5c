"""The storefront: themes, template lookup, slots, translations, assets and page rendering.

Handlers render pages with :func:`shequ.core.storefront.rendering.render`. Nothing here loads
at import time; :func:`shequ.core.storefront.routes.setup_storefront` builds one
:class:`~shequ.core.storefront.engine.Storefront` per runtime when an app is created.
"""
