"""The background worker: the outbox, the queue's call deadlines and periodic housekeeping.

Each job is idempotent and safe to run in several worker processes at once (conditional UPDATEs
and claimed rows). Fast jobs (notices to send, called trucks past their deadline) run every few
seconds, because a called driver must hear of it at once; housekeeping runs every minute.

On the embedded defaults the Redis substitute lives inside the web process, so `make run` runs
these same jobs as a task of the app (`in_app_jobs`) instead of a separate process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from backend.context import Context, build_context
from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.contracts import lifecycle as contracts
from backend.domain.contracts.rules import china_today
from backend.domain.identity import service as identity
from backend.domain.orders import lifecycle as orders
from backend.domain.queue import service as queue
from backend.http.logs import configure_logging
from backend.settings import Settings
from backend.workers import outbox
from backend.workers.gps import in_app_gps

log = logging.getLogger("meitong.worker")
FAST_INTERVAL_S = 5.0
HOUSEKEEPING_EVERY_S = 60.0


async def housekeeping(ctx: Context) -> None:
    async with unit_of_work(ctx) as session:
        purged = await identity.purge_expired_refresh_tokens(session)
        expired_contracts = await contracts.expire_contracts(session, today=china_today())
        expired_orders = await orders.expire_orders(session, ctx=ctx)
    log.info("housekeeping", extra={"purged_refresh_tokens": purged, "expired_contracts": expired_contracts,
                                    "expired_orders": expired_orders})


async def fast_jobs(ctx: Context) -> None:
    async with unit_of_work(ctx) as session:
        missed = await queue.sweep_deadlines(session, ctx=ctx, now=utcnow())
    if missed:
        log.info("queue", extra={"missed_calls": missed})
    sent = await outbox.drain(ctx)
    if sent:
        log.info("outbox", extra={"notices_sent": sent})


async def run_jobs(ctx: Context, *, interval_s: float = FAST_INTERVAL_S, rounds: int | None = None) -> None:
    done = 0
    last_housekeeping = float("-inf")
    while rounds is None or done < rounds:
        try:
            if time.monotonic() - last_housekeeping >= HOUSEKEEPING_EVERY_S or rounds is not None:
                await housekeeping(ctx)
                last_housekeeping = time.monotonic()
            await fast_jobs(ctx)
        except Exception:  # one bad round must not stop the worker; the next round retries
            if rounds is not None:
                raise
            log.exception("worker round failed")
        done += 1
        if rounds is None or done < rounds:
            await asyncio.sleep(interval_s)


async def run_worker(settings: Settings, *, interval_s: float = FAST_INTERVAL_S, rounds: int | None = None) -> None:
    configure_logging(level=settings.log_level, as_json=settings.log_json)
    ctx = build_context(settings)
    try:
        await queue.rebuild(ctx)
        await run_jobs(ctx, interval_s=interval_s, rounds=rounds)
    finally:
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
