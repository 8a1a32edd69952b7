"""Identity's periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend import jobs
from backend.context import Context
from backend.domain.identity import service


@jobs.job("identity.purge_refresh_tokens", every_s=60)
async def purge_refresh_tokens(session: AsyncSession, *, ctx: Context) -> jobs.Counts:
    """Refresh tokens a day past expiry: reuse detection needs only the live ones."""
    return {"purged": await service.purge_expired_refresh_tokens(session)}
