"""Contracts' periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.domain.contracts import lifecycle
from backend.domain.contracts.rules import china_today


@jobs.job("contracts.expire", every_s=60)
async def expire(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Active contracts past their last day (a day as counted in Asia/Shanghai) become expired."""
    return {"expired": await lifecycle.expire_contracts(session, today=china_today())}
