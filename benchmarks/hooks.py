"""Per-call cost of the core's hook dispatch against pluggy's own hook call.

For each kind the core dispatches itself (validate, transform, decide), with 1 and 10
implementations, sync and ``async def``:

- pluggy raw: ``pm.hook.<name>(**kwargs)`` on the runtime's own plugin manager; for async
  implementations the call returns coroutines, which are awaited too (what any caller must do);
- core: ``await runtime.hooks.<kind>(name, **kwargs)``.

Both run in one event loop, in the same coroutine, so the loop itself costs nothing to either.
No database is opened: dispatch never touches it for these kinds. Target: core <= 2x raw.

    python benchmarks/hooks.py [--calls N] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time
import types
from collections.abc import Awaitable, Callable

from shequ.core import hookimpl
from shequ.core.config import settings_from_dict
from shequ.core.runtime import Runtime

# One hook of each kind, the arguments its callers pass, and what its implementations return.
# Implementations answer None (allow / no contribution / no decision) except transform's,
# so every implementation runs in every case and both sides do the same work.
CASES = {
    "validate": (
        "shequ_validate_cart_line",
        {"customer_id": 7, "sku_id": 11, "shop_id": 1, "quantity": 2},
        None,
    ),
    "transform": ("shequ_slot", {"name": "product.after_price", "context": {}}, "<b>拼团</b>"),
    "decide": (
        "shequ_choose_payment_provider",
        {"payment_id": 3, "requested": None, "user_agent": "MicroMessenger"},
        None,
    ),
}


def make_plugin(index: int, hook: str, argnames: tuple[str, ...], result, is_async: bool):
    """A plugin module implementing ``hook``; it takes the spec's arguments, as plugins do."""
    params = ", ".join(argnames)
    namespace: dict = {"RESULT": result}
    prefix = "async " if is_async else ""
    exec(f"{prefix}def {hook}({params}):\n    return RESULT\n", namespace)
    module = types.ModuleType(f"bench_plugin_{index}")
    setattr(module, hook, hookimpl(namespace[hook]))
    return module


def build_runtime(kind: str, count: int, is_async: bool) -> Runtime:
    hook, kwargs, result = CASES[kind]
    argnames = ("runtime", *kwargs)
    plugins = {f"p{i}": make_plugin(i, hook, argnames, result, is_async) for i in range(count)}
    settings = settings_from_dict(
        {"database": {"url": "sqlite://:memory:"}, "plugins": {"enabled": list(plugins)}}
    )
    return Runtime(settings, extra_plugins=plugins)


async def best_of(
    loops: list[Callable[[], Awaitable[None]]], calls: int, repeat: int
) -> list[float]:
    """Best of ``repeat`` timed runs of each loop, in ns per call.

    The loops take turns, so a burst of load on the machine hits both sides alike.
    """
    best = [float("inf")] * len(loops)
    for _ in range(repeat):
        for index, loop in enumerate(loops):
            gc.collect()
            start = time.perf_counter_ns()
            await loop()
            best[index] = min(best[index], (time.perf_counter_ns() - start) / calls)
    return best


async def measure(kind: str, count: int, is_async: bool, calls: int, repeat: int):
    hook, kwargs, _ = CASES[kind]
    runtime = build_runtime(kind, count, is_async)
    caller = getattr(runtime.plugins.pm.hook, hook)
    raw_kwargs = {"runtime": runtime, **kwargs}
    dispatch = getattr(runtime.hooks, kind)

    async def raw_sync() -> None:
        for _ in range(calls):
            caller(**raw_kwargs)

    async def raw_async() -> None:
        for _ in range(calls):
            for coroutine in caller(**raw_kwargs):
                await coroutine

    async def core() -> None:
        for _ in range(calls):
            await dispatch(hook, **kwargs)

    # Both sides must see the same implementations, or the comparison means nothing.
    assert len(caller.get_hookimpls()) == len(runtime.hooks.impls(hook)) == count
    await core()  # warm the core's implementation cache and the interpreter
    raw, ours = await best_of([raw_async if is_async else raw_sync, core], calls, repeat)
    return raw, ours


async def main(calls: int, repeat: int) -> int:
    rows = []
    for kind in CASES:
        for count in (1, 10):
            for is_async in (False, True):
                raw, ours = await measure(kind, count, is_async, calls, repeat)
                flavour = "async" if is_async else "sync"
                rows.append((f"{kind} x{count} {flavour}", raw, ours, ours / raw))
    width = max(len(r[0]) for r in rows)
    print(f"hook dispatch, ns per call (best of {repeat} x {calls} calls)")
    print(f"{'case':<{width}}  {'pluggy raw':>11}  {'core':>9}  {'ratio':>6}")
    for case, raw, ours, ratio in rows:
        print(f"{case:<{width}}  {raw:>11.0f}  {ours:>9.0f}  {ratio:>5.2f}x")
    worst = max(rows, key=lambda r: r[3])
    verdict = "within" if worst[3] <= 2 else "ABOVE"
    print(f"worst ratio {worst[3]:.2f}x ({worst[0]}): {verdict} the 2x target")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000, help="calls per timed run")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case (best kept)")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.calls, args.repeat)))
