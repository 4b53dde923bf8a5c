"""Call hooks by kind: ``validate``, ``transform``, ``decide``, ``observe``, ``setup``.

The core calls implementations itself instead of through pluggy's ``hook(...)`` because
pluggy can neither await ``async def`` implementations nor stop at the first non-``None``
result of one, and because transform results must be tagged with their plugin. The call
order is pluggy's (LIFO registration, ``tryfirst``/``trylast`` honoured).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shequ.core import hookspecs
from shequ.core.hooktypes import Tagged
from shequ.core.jobs.outbox import enqueue

if TYPE_CHECKING:
    from shequ.core.pluginsys.host import PluginHost
    from shequ.core.runtime import Runtime

log = logging.getLogger(__name__)

OBSERVER_JOB = "shequ.observe"


class HookVeto(Exception):
    """A validate hook refused the action; ``reason`` is shown to the user."""

    def __init__(self, reason: str, plugin: str, hook: str):
        super().__init__(reason)
        self.reason = reason
        self.plugin = plugin
        self.hook = hook


class _Impl:
    __slots__ = ("plugin", "function", "argnames", "is_async")

    def __init__(self, plugin: str, function: Callable[..., Any]):
        self.plugin = plugin
        self.function = function
        self.argnames = tuple(inspect.signature(function).parameters)
        self.is_async = inspect.iscoroutinefunction(function)


def spec_kind(name: str) -> str:
    return getattr(hookspecs, name).shequ_kind


class Hooks:
    """The hook caller of one runtime; every call site in the core goes through it."""

    def __init__(self, host: PluginHost, runtime: Runtime, on_call: Callable[[str], None] | None):
        self.host = host
        self.runtime = runtime
        self.on_call = on_call
        self._cache: dict[str, list[_Impl]] = {}

    def impls(self, name: str) -> list[_Impl]:
        impls = self._cache.get(name)
        if impls is None:
            impls = [_Impl(p, fn) for p, fn in self.host.implementations(name)]
            self._cache[name] = impls
        return impls

    def _args(self, impl: _Impl, kwargs: dict[str, Any]) -> list[Any]:
        return [self.runtime if a == "runtime" else kwargs[a] for a in impl.argnames]

    async def _call(self, impl: _Impl, kwargs: dict[str, Any]) -> Any:
        result = impl.function(*self._args(impl, kwargs))
        if impl.is_async or inspect.isawaitable(result):
            result = await result
        return result

    def _check(self, name: str, expected: str) -> None:
        if self.on_call is not None:
            self.on_call(name)
        actual = spec_kind(name)
        if actual != expected:
            raise TypeError(f"{name} is a {actual} hook, called as {expected}")

    async def validate(self, name: str, /, **kwargs: Any) -> None:
        """Run every implementation; raise :class:`HookVeto` with the first reason given."""
        self._check(name, "validate")
        veto: HookVeto | None = None
        for impl in self.impls(name):
            reason = await self._call(impl, kwargs)
            if reason is not None and veto is None:
                veto = HookVeto(str(reason), impl.plugin, name)
        if veto is not None:
            raise veto

    async def transform(self, name: str, /, **kwargs: Any) -> list[Tagged]:
        """Every non-``None`` result, tagged with its plugin, in call order."""
        self._check(name, "transform")
        results = []
        for impl in self.impls(name):
            value = await self._call(impl, kwargs)
            if value is not None:
                results.append(Tagged(impl.plugin, value))
        return results

    async def decide(self, name: str, /, **kwargs: Any) -> Any:
        """The first non-``None`` result; later implementations are not called."""
        self._check(name, "decide")
        for impl in self.impls(name):
            value = await self._call(impl, kwargs)
            if value is not None:
                return value
        return None

    async def setup(self, name: str, /, **kwargs: Any) -> list[Tagged]:
        """Run setup hooks in order; an exception names the plugin that raised it."""
        self._check(name, "setup")
        results = []
        for impl in self.impls(name):
            try:
                value = await self._call(impl, kwargs)
            except Exception as exc:
                raise PluginSetupError(impl.plugin, name, exc) from exc
            if value is not None:
                results.append(Tagged(impl.plugin, value))
        return results

    def setup_sync(
        self, name: str, /, before_each: Callable[[str], Any] | None = None, **kwargs: Any
    ) -> list[Tagged]:
        """Setup hooks that run before any event loop (models, jobs, CLI commands, templates).

        ``before_each(plugin_name)`` runs before each implementation (e.g. to record owners).
        """
        self._check(name, "setup")
        results = []
        for impl in self.impls(name):
            if before_each is not None:
                before_each(impl.plugin)
            try:
                value = impl.function(*self._args(impl, kwargs))
            except Exception as exc:
                raise PluginSetupError(impl.plugin, name, exc) from exc
            if inspect.isawaitable(value):
                raise TypeError(f"{impl.plugin}: {name} must not be async")
            if value is not None:
                results.append(Tagged(impl.plugin, value))
        return results

    async def notify(self, name: str, /, **kwargs: Any) -> int:
        """Write one outbox job per observer of ``name``; call it inside the change's transaction.

        Returns the number of jobs written. Delivery happens after commit.
        """
        self._check(name, "observe")
        impls = self.impls(name)
        for impl in impls:
            await enqueue(
                OBSERVER_JOB,
                {"hook": name, "plugin": impl.plugin, "kwargs": kwargs},
                max_attempts=self.runtime.settings.jobs.max_attempts,
            )
        if impls:
            self.runtime.wake_jobs()
        return len(impls)

    async def deliver(self, payload: dict[str, Any]) -> None:
        """The outbox job handler: call one plugin's observer with the stored arguments."""
        name, plugin = payload["hook"], payload["plugin"]
        for impl in self.impls(name):
            if impl.plugin == plugin:
                if self.on_call is not None:
                    self.on_call(name)
                await self._call(impl, payload["kwargs"])
                return
        log.warning("observer %s of %s is no longer enabled; event dropped", plugin, name)


class PluginSetupError(Exception):
    def __init__(self, plugin: str, hook: str, exc: Exception):
        super().__init__(f"plugin {plugin!r} failed in {hook}: {type(exc).__name__}: {exc}")
        self.plugin = plugin
        self.hook = hook
