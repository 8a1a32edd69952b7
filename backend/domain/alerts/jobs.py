"""The alerts' periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.domain.alerts import escalation


@jobs.job("alerts.escalate", every_s=30)
async def escalate(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Every half minute: a red alert's acknowledge deadline is minutes, so a sweep per minute at
    most. Safe with any number of workers running it (escalation.py says why)."""
    return {"escalated": await escalation.sweep(session)}
