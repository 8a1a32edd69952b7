"""Periodic jobs: one that raises stops none of the others, is recorded and shown at GET /health/jobs
(the error to the platform administrator only), backs off while it keeps failing, and is reset by a
success. The features' own jobs run beside the test's on the real database and Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend import job_runs, jobs
from backend.app import create_app
from backend.context import Context, build_context
from backend.domain.regions.models import Region
from backend.settings import Settings, load_settings
from backend.workers.runner import Runner
from tests import factories as f

FEATURE_JOBS = {"alerts.escalate", "contracts.expire", "invitations.expire", "identity.purge_refresh_tokens",
                "notices.drain_outbox", "orders.expire", "queue.resync_mirror", "queue.sweep_deadlines", "watchdog.sweep", "reconcile.sweep",
                "weighing.daily_sales"}


class Clock:
    def __init__(self) -> None:
        self.t = datetime.now(UTC)  # the health endpoint judges lateness by the wall clock

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


class Meter:
    """The test's jobs: `fine` writes a row through the runner's unit of work; `broken` writes one
    too, then raises (its row must be rolled back) until it is mended; `own` opens its own units."""

    def __init__(self) -> None:
        self.mended = False
        self.runs = {"fine": 0, "broken": 0, "own": 0}

    async def fine(self, session: AsyncSession, *, ctx: Context) -> jobs.Counts:
        self.runs["fine"] += 1
        session.add(Region(code=f"99{self.runs['fine']:04d}", name_zh="测试", name_en="test", level="district"))
        return {"rows": 1}

    async def broken(self, session: AsyncSession, *, ctx: Context) -> jobs.Counts:
        self.runs["broken"] += 1
        session.add(Region(code=f"98{self.runs['broken']:04d}", name_zh="测试", name_en="test", level="district"))
        await session.flush()
        if not self.mended:
            raise RuntimeError("the meter is unplugged")
        return {"rows": 1}

    async def own(self, ctx: Context) -> jobs.Counts:
        self.runs["own"] += 1
        async with ctx.sessions() as session:
            await session.execute(text("SELECT 1"))
        return {}


@pytest.fixture
async def meter(ctx: Context) -> AsyncIterator[Meter]:
    m = Meter()
    jobs.register("test.fine", m.fine, every_s=5)
    jobs.register("test.broken", m.broken, every_s=5)
    jobs.register("test.own", m.own, every_s=5, own_units=True)
    try:
        yield m
    finally:
        for name in ("test.fine", "test.broken", "test.own"):
            jobs.unregister(name)
        async with ctx.sessions() as session:  # regions outlive a test (tests/conftest.py keeps them)
            await session.execute(delete(Region).where(Region.code.like("99%") | Region.code.like("98%")))
            await session.commit()


async def _codes(ctx: Context, prefix: str) -> list[str]:
    async with ctx.sessions() as session:
        return sorted((await session.execute(select(Region.code).where(Region.code.like(f"{prefix}%")))).scalars())


async def _health(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    r = await client.get("/health/jobs", headers=headers or {})
    return r.status_code, r.json()


async def test_a_failing_job_stops_no_other_is_shown_backs_off_and_recovers(
        ctx: Context, client: httpx.AsyncClient, meter: Meter) -> None:
    assert FEATURE_JOBS <= {j.name for j in jobs.registered()}
    clock = Clock()
    runner = Runner(ctx, now=clock)
    ran = await runner.run_due()
    assert set(ran) == FEATURE_JOBS | {"test.fine", "test.broken", "test.own"}
    assert meter.runs == {"fine": 1, "broken": 1, "own": 1}
    assert await _codes(ctx, "99") == ["990001"] and await _codes(ctx, "98") == []  # committed / rolled back

    admin = await f.login(client, (await f.make_user(ctx, admin=True))[1])
    status, body = await _health(client, admin)
    assert status == 503 and body["status"] == "failing" and "test.broken" in body["messageEn"], body
    by_name = {j["name"]: j for j in body["jobs"]}
    broken = by_name["test.broken"]["run"]
    assert by_name["test.broken"]["state"] == "failing"
    assert broken["lastError"] == "RuntimeError: the meter is unplugged" and broken["consecutiveFailures"] == 1
    assert broken["lastErrorAt"] and broken["lastSucceededAt"] is None and broken["durationMs"] >= 0
    assert {n: j["state"] for n, j in by_name.items() if n != "test.broken"} == dict.fromkeys(
        FEATURE_JOBS | {"test.fine", "test.own"}, "ok")
    assert by_name["test.fine"]["run"]["lastCounts"] == {"rows": 1}
    assert by_name["identity.purge_refresh_tokens"]["run"]["lastCounts"] == {"purged": 0}

    for who in (None, await f.login(client, (await f.make_user(ctx))[1])):  # anonymous, then a plain user
        status, body = await _health(client, who)
        assert status == 503 and body["status"] == "failing"
        assert all(j["run"] is None for j in body["jobs"]) and "unplugged" not in str(body)
        assert {j["name"]: j["state"] for j in body["jobs"]}["test.broken"] == "failing"

    # Backing off: 5 s × 2^1 after the first failure, × 2^2 after the second; the others keep their 5 s.
    assert datetime.fromisoformat(broken["nextRunAt"]) == clock.t + timedelta(seconds=10)
    clock.advance(5)
    assert "test.broken" not in await runner.run_due() and meter.runs["fine"] == 2
    clock.advance(5)
    assert "test.broken" in await runner.run_due()
    run = await job_runs.load(ctx.redis, "test.broken")
    assert run is not None and run.consecutive_failures == 2 and run.next_run_at == clock.t + timedelta(seconds=20)
    clock.advance(15)
    assert "test.broken" not in await runner.run_due()

    meter.mended = True
    clock.advance(5)
    assert "test.broken" in await runner.run_due()
    run = await job_runs.load(ctx.redis, "test.broken")
    assert run is not None and run.consecutive_failures == 0 and run.next_run_at == clock.t + timedelta(seconds=5)
    assert run.last_succeeded_at == clock.t and run.last_error == "RuntimeError: the meter is unplugged"
    assert await _codes(ctx, "98") == ["980003"]
    status, body = await _health(client, admin)
    assert status == 200 and body["status"] == "ok", body


def test_the_backoff_doubles_and_is_capped() -> None:
    job = jobs.Job(name="test.x", every_s=5, fn=Meter().own)
    assert [job.delay_after_failures_s(n) for n in range(5)] == [5, 10, 20, 40, 80]
    assert job.delay_after_failures_s(30) == jobs.MAX_BACKOFF_S
    with pytest.raises(ValueError):
        jobs.register("NoFeature", Meter().own, every_s=5)


async def test_running_for_ever_each_job_keeps_its_own_pace(ctx: Context, meter: Meter) -> None:
    fast = [j for j in (jobs.get("test.fine"), jobs.get("test.broken")) if j is not None]
    fast = [jobs.Job(name=j.name, every_s=0.05, fn=j.fn) for j in fast]
    stop = asyncio.Event()
    task = asyncio.create_task(Runner(ctx, only=fast).run_forever(stop))
    for _ in range(200):  # at most 10 s
        if meter.runs["fine"] >= 4:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert meter.runs["fine"] >= 4 and 1 <= meter.runs["broken"] < meter.runs["fine"], meter.runs
    broken = await job_runs.load(ctx.redis, "test.broken")
    assert broken is not None and broken.consecutive_failures == meter.runs["broken"]


async def test_jobs_no_worker_runs_are_never_run_then_late(ctx: Context, client: httpx.AsyncClient,
                                                           meter: Meter) -> None:
    status, body = await _health(client)
    assert status == 200 and body["status"] == "ok" and {j["state"] for j in body["jobs"]} == {"never"}, body
    clock = Clock()
    clock.advance(-86_400)  # the worker ran a day ago, then stopped (late for the hourly jobs too)
    meter.mended = True
    await Runner(ctx, now=clock).run_due()
    status, body = await _health(client)
    assert status == 503 and {j["state"] for j in body["jobs"]} == {"late"}, body


async def test_without_redis_the_job_records_are_a_bilingual_503(settings: Settings) -> None:
    broken = load_settings(database_url=settings.database_url, redis_url="redis://127.0.0.1:1/0", log_json=False)
    context = build_context(broken)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(ctx=context)), base_url="http://t") as c:
            r = await c.get("/health/jobs")
    finally:
        await context.engine.dispose()
    assert r.status_code == 503 and r.json()["code"] == "jobs_unknown", r.text
    assert r.json()["message_zh"] and r.json()["message_en"]
