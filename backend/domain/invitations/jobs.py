"""Invitations' periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.db.base import utcnow
from backend.domain.invitations.models import Invitation


@jobs.job("invitations.expire", every_s=600)
async def expire(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Pending invitations past their time are marked expired (reads already show them so)."""
    result = await session.execute(update(Invitation).where(Invitation.status == "pending", Invitation.expires_at <= utcnow())
                                   .values(status="expired"))
    return {"expired": int(result.rowcount)}  # type: ignore[attr-defined]
