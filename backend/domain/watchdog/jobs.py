"""The watchdog's periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.domain.watchdog import service


@jobs.job("watchdog.sweep", every_s=60)
async def sweep(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Once a minute: silences are judged in minutes (5 for a site's device by default), and one
    sweep is a handful of indexed queries however many devices the city has."""
    counts = await service.sweep(session, settings=ctx.settings)
    return {"silent": counts.silent, "raised": counts.raised, "flapped": counts.flapped, "back": counts.back,
            "recovered": counts.recovered}
