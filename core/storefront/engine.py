"""One :class:`Storefront` per runtime: the theme chain, its Jinja2 environment, catalogs
and assets, and the template globals every theme can use: ``slot``, ``asset_url`` and
``_``/``gettext`` in the page's language (the filters ``money``, ``datetime`` and ``date``
come with the environment, see :mod:`~shequ.core.storefront.templates`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from babel.support import NullTranslations
from jinja2 import TemplateNotFound, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from shequ.core.storefront import i18n
from shequ.core.storefront.assets import AssetResolver
from shequ.core.storefront.slots import SLOTS, fill_slot
from shequ.core.storefront.templates import (
    LANGUAGE_VAR,
    build_environment,
    plugin_template_dirs,
)
from shequ.core.storefront.themes import ThemeChain, configured_chain, options_css_hash
from shequ.core.storefront.views import PlatformView, ShopView, ThemeView

if TYPE_CHECKING:
    from shequ.core.runtime import Runtime
    from shequ.core.shops.models import Shop

log = logging.getLogger(__name__)

STATE_KEY = "shequ.storefront"
OPTIONS_CSS_PREFIX = "/static/theme-options/"
# Context keys the engine sets on every render (with LANGUAGE_VAR).
TRANSLATIONS_VAR = "shequ_translations"


class Storefront:
    """The rendering engine of one runtime; build it once, at app creation.

    Loading validates the theme chain and ``theme.options`` and parses every catalog, so a
    broken theme is a :class:`~shequ.core.config.ConfigError` before the app serves.
    """

    def __init__(self, runtime: Runtime, chain: ThemeChain | None = None):
        settings = runtime.settings
        self.runtime = runtime
        self.chain = chain or configured_chain(settings)
        self.options = self.chain.options(settings.theme.options)
        self.default_language = settings.platform.language
        found = {lang for theme in self.chain.themes for lang in i18n.theme_languages(theme)}
        # The platform's language first: it is the one the language switch starts from.
        self.languages = [self.default_language, *sorted(found - {self.default_language})]
        self.translations = i18n.load_translations(self.chain, self.languages)
        self.assets = AssetResolver(self.chain)
        self.assets.warm()
        self.env = build_environment(
            self.chain,
            plugin_template_dirs(runtime),
            currency=settings.platform.currency,
            language=self.default_language,
        )
        self._unknown_slots: set[str] = set()
        self._install()

    # -- template API -------------------------------------------------------------------------

    def has_template(self, name: str) -> bool:
        try:
            self.env.get_template(name)
        except TemplateNotFound:
            return False
        return True

    async def render_template(
        self, name: str, context: Mapping[str, Any] | None = None, *, language: str | None = None
    ) -> str:
        """Render ``name`` in ``language`` (the platform's by default).

        ``context`` is merged over :meth:`base_context` (no shop), so any page renders even
        outside a request; handlers use :func:`~shequ.core.storefront.rendering.render`.
        """
        language = language if language in self.translations else self.default_language
        variables = {
            **self.base_context(),
            **(context or {}),
            LANGUAGE_VAR: language,
            TRANSLATIONS_VAR: self.translations[language],
        }
        return await self.env.get_template(name).render_async(variables)

    def options_for(self, shop: Shop | None) -> dict[str, Any]:
        """The deployment's theme options with the shop's own merged over them."""
        if shop is None:
            return dict(self.options)
        return self.chain.shop_options(self.options, shop.theme_options or {})

    def theme_view(self, shop: Shop | None) -> ThemeView:
        options = self.options_for(shop)
        css_digest = options_css_hash(self.chain.options_css(options))
        return ThemeView(
            name=self.chain.primary.name,
            options=MappingProxyType(options),
            stylesheets=tuple(self.assets.url(sheet) for _, sheet in self.chain.stylesheets()),
            options_css=f"{OPTIONS_CSS_PREFIX}{shop.id if shop else 0}.{css_digest}.css",
        )

    def base_context(self, shop: Shop | None = None) -> dict[str, Any]:
        """The context every page gets, before the request adds who is asking.

        :func:`~shequ.core.storefront.rendering.render` extends it with the customer, the
        language switch, the CSRF token and the path.
        """
        platform = self.runtime.settings.platform
        return {
            "platform": PlatformView(
                platform.name, platform.currency, platform.language, platform.mode
            ),
            "shop": None if shop is None else ShopView.of(shop),
            "customer": None,
            "theme": self.theme_view(shop),
            "languages": [],
            "csrf_token": lambda: "",
            "path": "/",
        }

    def reload_on_change(self) -> None:
        """``shequ serve --dev``: templates and static files are re-read when they change."""
        self.env.auto_reload = True
        self.assets.watch = True

    # -- globals and filters ------------------------------------------------------------------

    def _translations_of(self, context: Context) -> NullTranslations:
        found = context.get(TRANSLATIONS_VAR)
        return found if found is not None else self.translations[self.default_language]

    def _install(self) -> None:
        storefront = self

        @pass_context
        def gettext(context: Context, message: str) -> str:
            return storefront._translations_of(context).gettext(message)

        @pass_context
        def ngettext(context: Context, singular: str, plural: str, n: int) -> str:
            return storefront._translations_of(context).ngettext(singular, plural, n)

        @pass_context
        def pgettext(context: Context, message_context: str, message: str) -> str:
            return storefront._translations_of(context).pgettext(message_context, message)

        @pass_context
        def npgettext(
            context: Context, message_context: str, singular: str, plural: str, n: int
        ) -> str:
            translations = storefront._translations_of(context)
            return translations.npgettext(message_context, singular, plural, n)

        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
        )

        @pass_context
        async def slot(context: Context, name: str) -> Markup:
            if name not in SLOTS and name not in storefront._unknown_slots:
                storefront._unknown_slots.add(name)
                log.warning("template uses unknown slot %r (see `shequ theme slots`)", name)
            return await fill_slot(storefront.runtime, name, context.get_all())

        def asset_url(path: str) -> str:
            return storefront.assets.url(path)

        self.env.globals.update(slot=slot, asset_url=asset_url)


def storefront_of(runtime: Runtime) -> Storefront:
    """The runtime's storefront (built by ``setup_storefront`` when the app was created)."""
    try:
        return runtime.state[STATE_KEY]
    except KeyError:
        raise RuntimeError("the storefront is not set up for this runtime") from None
