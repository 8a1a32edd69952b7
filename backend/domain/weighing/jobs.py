"""The weighing feature's periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.domain.weighing import sales


@jobs.job("weighing.daily_sales", every_s=3600)
async def daily_sales(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Hourly, the Chinese day so far: a day going far above a site's baseline or its approved
    capacity is seen that day, while the kinds' one-day window keeps it one alert per site."""
    return await sales.check_day(session, settings=ctx.settings)
