"""The background worker: every periodic job the features register (backend/jobs.py).

Each feature declares its jobs in `backend/domain/<feature>/jobs.py`: the notices outbox and the
queue's call deadlines every few seconds (a called driver must hear of it at once), housekeeping
(expired tokens, contracts, orders) every minute. Each job is idempotent and safe to run in several
worker processes at once (conditional UPDATEs and claimed rows); the runner (backend/workers/runner.py)
isolates them, backs off a failing one and records every run for GET /health/jobs.

On the embedded defaults the Redis substitute lives inside the web process, so `make run` runs
these same jobs as a task of the app (`in_app_jobs`) instead of a separate process.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from backend.context import Context, build_context
from backend.domain.queue import service as queue
from backend.http.logs import configure_logging
from backend.settings import Settings
from backend.workers.gps import in_app_gps
from backend.workers.runner import Runner

__all__ = ["in_app_jobs", "run_jobs", "run_worker"]


async def run_jobs(ctx: Context, *, interval_s: float = 1.0, rounds: int | None = None) -> None:
    """Run the registered jobs: for ever (each job in its own task), or, with `rounds`, that many
    rounds of the jobs that are due (all of them in the first), `interval_s` apart (tests, tools)."""
    runner = Runner(ctx)
    if rounds is None:
        await runner.run_forever()
        return
    for done in range(rounds):
        await runner.run_due()
        if done + 1 < rounds:
            await asyncio.sleep(interval_s)


async def run_worker(settings: Settings, *, interval_s: float = 1.0, rounds: int | None = None) -> None:
    configure_logging(level=settings.log_level, as_json=settings.log_json)
    ctx = build_context(settings)
    try:
        await queue.rebuild(ctx)
        await run_jobs(ctx, interval_s=interval_s, rounds=rounds)
    finally:
        await ctx.redis.aclose()
        await ctx.engine.dispose()


@contextlib.asynccontextmanager
async def in_app_jobs(ctx: Context) -> AsyncIterator[None]:
    """The jobs as a task of the web process, for the embedded defaults (see the module docstring)."""
    task = asyncio.create_task(run_jobs(ctx))
    try:
        async with in_app_gps(ctx):  # the GPS stream's consumer, beside the jobs
            yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
