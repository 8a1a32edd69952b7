"""The queue's periodic work (registered with backend/jobs.py): every few seconds, because a
called driver who missed his deadline must lose his turn at once, and the trucks behind move up."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.db.base import utcnow
from backend.domain.queue import calls, mirror


@jobs.job("queue.sweep_deadlines", every_s=5)
async def sweep_deadlines(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Called trucks past their deadline go back to the tail once, then out."""
    return {"missed_calls": await calls.sweep_deadlines(session, ctx=ctx, now=utcnow())}


@jobs.job("queue.resync_mirror", every_s=5, own_units=True)
async def resync_mirror(ctx: Context) -> jobs.Counts:
    """Re-apply to Redis the recent queue changes its after-commit update missed (Redis was away):
    SQL is the truth, the mirror catches up. A Redis outage shows here as a failing job."""
    return {"resynced": await mirror.resync(ctx, since=utcnow() - mirror.RESYNC_WINDOW)}
