"""Call hooks by kind: ``validate``, ``transform``, ``decide``, ``observe``, ``setup``.

The core calls implementations itself instead of through pluggy's ``hook(...)`` because
pluggy can neither await ``async def`` implementations nor stop at the first non-``None``
result of one, and because transform results must be tagged with their plugin. The call
order is pluggy's (LIFO registration, ``tryfirst``/``trylast`` honoured).
"""

from __future__ import annotations

import collections.abc
import inspect
import logging
import operator
import types
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
    __slots__ = ("plugin", "function", "argnames", "is_async", "args")

    def __init__(self, plugin: str, function: Callable[..., Any]):
        self.plugin = plugin
        self.function = function
        self.argnames = tuple(inspect.signature(function).parameters)
        self.is_async = inspect.iscoroutinefunction(function)
        # Picks this implementation's arguments out of the call's kwargs (``runtime``
        # included) in one C call; a comprehension per call costs more than the hook itself.
        self.args = _arg_getter(self.argnames)


def _arg_getter(argnames: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    if not argnames:
        return lambda kwargs: ()
    if len(argnames) == 1:
        (only,) = argnames
        return lambda kwargs: (kwargs[only],)
    return operator.itemgetter(*argnames)


_awaitable_types: dict[type, bool] = {}


def _is_awaitable(value: Any) -> bool:
    """``inspect.isawaitable``, remembered per type: its ABC check costs ~200 ns a result."""
    cls = type(value)
    known = _awaitable_types.get(cls)
    if known is None:
        if cls is types.GeneratorType:  # awaitable or not by its code flags, not its type
            return inspect.isawaitable(value)
        known = _awaitable_types[cls] = issubclass(cls, collections.abc.Awaitable)
    return known


def spec_kind(name: str) -> str:
    return getattr(hookspecs, name).shequ_kind


class Hooks:
    """The hook caller of one runtime; every call site in the core goes through it."""

    def __init__(self, host: PluginHost, runtime: Runtime, on_call: Callable[[str], None] | None):
        self.host = host
        self.runtime = runtime
        self.on_call = on_call
        self._cache: dict[str, list[_Impl]] = {}
        self._kinds: dict[str, str] = {}

    def impls(self, name: str) -> list[_Impl]:
        impls = self._cache.get(name)
        if impls is None:
            impls = [_Impl(p, fn) for p, fn in self.host.implementations(name)]
            self._cache[name] = impls
        return impls

    def _args(self, impl: _Impl, kwargs: dict[str, Any]) -> tuple[Any, ...]:
        return impl.args({**kwargs, "runtime": self.runtime})

    async def _call(self, impl: _Impl, kwargs: dict[str, Any]) -> Any:
        result = impl.function(*self._args(impl, kwargs))
        if impl.is_async or inspect.isawaitable(result):
            result = await result
        return result

    def _check(self, name: str, expected: str) -> list[_Impl]:
        """Record the call, refuse the wrong kind, and return the implementations."""
        if self.on_call is not None:
            self.on_call(name)
        actual = self._kinds.get(name)
        if actual is None:
            actual = self._kinds[name] = spec_kind(name)
        if actual != expected:
            raise TypeError(f"{name} is a {actual} hook, called as {expected}")
        return self.impls(name)

    # validate, transform and decide run on every request path, so they call implementations
    # inline: no coroutine per implementation, ``runtime`` added to the kwargs once (they are
    # this call's own dict), and only results that are not None checked for awaitability.

    async def validate(self, name: str, /, **kwargs: Any) -> None:
        """Run every implementation; raise :class:`HookVeto` with the first reason given."""
        impls = self._check(name, "validate")
        kwargs["runtime"] = self.runtime
        veto: HookVeto | None = None
        for impl in impls:
            reason = impl.function(*impl.args(kwargs))
            if impl.is_async or (reason is not None and _is_awaitable(reason)):
                reason = await reason
            if reason is not None and veto is None:
                veto = HookVeto(str(reason), impl.plugin, name)
        if veto is not None:
            raise veto

    async def transform(self, name: str, /, **kwargs: Any) -> list[Tagged]:
        """Every non-``None`` result, tagged with its plugin, in call order."""
        impls = self._check(name, "transform")
        kwargs["runtime"] = self.runtime
        results = []
        for impl in impls:
            value = impl.function(*impl.args(kwargs))
            if impl.is_async or (value is not None and _is_awaitable(value)):
                value = await value
            if value is not None:
                results.append(Tagged(impl.plugin, value))
        return results

    async def decide(self, name: str, /, **kwargs: Any) -> Any:
        """The first non-``None`` result; later implementations are not called."""
        impls = self._check(name, "decide")
        kwargs["runtime"] = self.runtime
        for impl in impls:
            value = impl.function(*impl.args(kwargs))
            if impl.is_async or (value is not None and _is_awaitable(value)):
                value = await value
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
