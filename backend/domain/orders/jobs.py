"""Orders' periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.domain.orders import lifecycle


@jobs.job("orders.expire", every_s=60)
async def expire(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Orders past their validity that never entered lapse and give their tonnage back."""
    return {"expired": await lifecycle.expire_orders(session, ctx=ctx)}
