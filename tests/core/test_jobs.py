"""The outbox: committed jobs run, rolled-back ones never do, failures end as dead letters."""

import asyncio
import datetime as dt

import pytest
from tortoise.transactions import in_transaction

from shequ.core.cli.main import main
from shequ.core.jobs.models import Job, JobStatus
from shequ.core.jobs.outbox import enqueue, utcnow
from shequ.core.shops.models import Shop

FULL = {"plugins": {"enabled": ["fullplugin"], "paths": {"fullplugin": "tests.plugins.fullplugin"}}}


async def drain(runtime, rounds=20):
    """Run due jobs, moving time forward past any backoff, until none are left to run."""
    for _ in range(rounds):
        await Job.filter(status=JobStatus.QUEUED).update(run_at=utcnow() - dt.timedelta(seconds=1))
        if not await runtime.runner.run_due():
            return


@pytest.fixture
async def failing_runtime(make_runtime):
    # A long backoff, so "not due again yet" holds however slow the machine; drain() moves
    # time forward explicitly.
    runtime = make_runtime({"jobs": {"max_attempts": 3, "backoff_seconds": 60}})
    calls = []

    @runtime.jobs.handler("test.explode")
    async def explode(runtime, payload):
        calls.append(payload["n"])
        raise ValueError("boom")

    @runtime.jobs.handler("test.record")
    async def record(runtime, payload):
        calls.append(payload["n"])

    runtime.calls = calls
    async with runtime.running(run_jobs=False):
        yield runtime


async def test_failing_job_is_retried_then_dead_lettered(failing_runtime):
    job = await enqueue("test.explode", {"n": 1}, max_attempts=3)
    await failing_runtime.runner.run_due()
    job = await Job.get(id=job.id)
    assert job.status == JobStatus.QUEUED and job.attempts == 1
    assert job.run_at > utcnow()  # backoff: not due again at once
    assert await failing_runtime.runner.run_due() == 0
    await drain(failing_runtime)
    job = await Job.get(id=job.id)
    assert failing_runtime.calls == [1, 1, 1]
    assert job.status == JobStatus.DEAD and job.attempts == 3
    assert "ValueError: boom" in job.last_error


async def test_backoff_grows_exponentially(failing_runtime):
    job = await enqueue("test.explode", {"n": 1}, max_attempts=5)
    delays = []
    for _ in range(3):
        await Job.filter(id=job.id).update(run_at=utcnow() - dt.timedelta(seconds=1))
        before = utcnow()
        await failing_runtime.runner.run_due()
        delays.append(((await Job.get(id=job.id)).run_at - before).total_seconds())
    assert delays[0] < delays[1] < delays[2]
    assert delays[2] == pytest.approx(delays[0] * 4, abs=1)


async def test_job_in_rolled_back_transaction_never_runs(failing_runtime):
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await Shop.create(slug="gone", name="gone")
            await enqueue("test.record", {"n": 42})
            raise RuntimeError("rollback")
    await drain(failing_runtime)
    assert failing_runtime.calls == []
    assert await Job.all().count() == 0
    assert not await Shop.filter(slug="gone").exists()


async def test_committed_job_runs_once(failing_runtime):
    async with in_transaction():
        await enqueue("test.record", {"n": 7})
    await drain(failing_runtime)
    await drain(failing_runtime)
    assert failing_runtime.calls == [7]
    assert (await Job.get()).status == JobStatus.DONE


async def test_job_without_handler_is_dead_lettered_not_lost(failing_runtime):
    job = await enqueue("test.unknown", {}, max_attempts=1)
    await failing_runtime.runner.run_due()
    job = await Job.get(id=job.id)
    assert job.status == JobStatus.DEAD and "no handler" in job.last_error


async def test_crashed_runners_lease_expires_and_job_is_taken_again(failing_runtime):
    job = await enqueue("test.record", {"n": 3})
    past = utcnow() - dt.timedelta(seconds=5)
    await Job.filter(id=job.id).update(status=JobStatus.RUNNING, attempts=1, leased_until=past)
    await failing_runtime.runner.run_due()
    assert failing_runtime.calls == [3]


async def test_dedupe_key_enqueues_once(failing_runtime):
    assert await enqueue("test.record", {"n": 1}, dedupe_key="k")
    async with in_transaction():  # a lost race must not poison the caller's transaction
        assert await enqueue("test.record", {"n": 1}, dedupe_key="k") is None
        await Shop.create(slug="still", name="still")
    assert await Job.all().count() == 1
    assert await Shop.filter(slug="still").exists()


async def test_schedules_enqueue_once_per_slot(make_runtime):
    runtime = make_runtime(FULL)
    async with runtime.running(run_jobs=False):
        now = utcnow()
        ticks = Job.filter(name="fullplugin.tick")
        await runtime.runner.enqueue_schedules(now)
        assert await ticks.count() == 1
        await runtime.runner.enqueue_schedules(now)  # the same hour: the same slot
        assert await ticks.count() == 1
        await runtime.runner.enqueue_schedules(now + dt.timedelta(hours=1))
        assert await ticks.count() == 2
        await drain(runtime)
        assert runtime.state["fullplugin.ticks"] == 2


async def test_background_runner_delivers_without_being_asked(make_runtime):
    import asyncio

    runtime = make_runtime(FULL)
    async with runtime.running(run_jobs=True):
        shop = await Shop.first()
        async with in_transaction():
            await enqueue("fullplugin.add_note", {"shop_id": shop.id, "text": "hi"})
        from shequ.core.shops.scope import shop_scope
        from tests.plugins.fullplugin.models import Note

        for _ in range(100):
            with shop_scope(shop.id):
                if await Note.exists():
                    break
            await asyncio.sleep(0.05)
        with shop_scope(shop.id):
            assert await Note.all().values_list("text", flat=True) == ["hi"]


async def test_jobs_cli_lists_dead_letters_and_retries(failing_runtime, tmp_path, capsys):
    job = await enqueue("test.explode", {"n": 1}, max_attempts=1)
    await failing_runtime.runner.run_due()
    config = tmp_path / "shequ.toml"
    config.write_text(f'[database]\nurl = "{failing_runtime.settings.database.url}"\n')

    def cli(*args):  # the CLI runs its own event loop, so give it a thread
        return asyncio.to_thread(main, [*args, "--config", str(config)])

    assert await cli("jobs") == 0
    out = capsys.readouterr().out
    assert f"#{job.id} test.explode dead" in out and "ValueError: boom" in out
    assert await cli("jobs", "retry", str(job.id)) == 0
    assert (await Job.get(id=job.id)).status == JobStatus.QUEUED
    assert await cli("jobs", "retry", str(job.id)) == 1
