from __future__ import annotations

import pytest

from tests.core.distribution.factory import plugins


@pytest.fixture
async def make_dist(make_runtime):
    """``await make_dist(levels=2, rates=[10, 5])``: a started runtime with distribution on."""
    started = []

    async def build(extra: dict | None = None, **settings):
        data = plugins(**settings)
        data.update(extra or {})
        runtime = make_runtime(data)
        await runtime.start(run_jobs=False)
        started.append(runtime)
        return runtime

    yield build
    for runtime in started:
        await runtime.stop()
