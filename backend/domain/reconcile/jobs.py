"""The reconciliation's periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.domain.reconcile import service


@jobs.job("reconcile.sweep", every_s=3600)
async def sweep(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Hourly, the open period in one statement: what only time changes (a settlement falling
    overdue, a waybill that never arrived, an order issued without an event of its own)."""
    return {"chains": await service.sweep(session)}
