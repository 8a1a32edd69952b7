"""Step-up: the most dangerous actions (suspensions, blacklisting, machine keys, role grants) ask for
the TOTP code again. A good code marks the login session as stepped up for `step_up_ttl_s`; the mark
lives in Redis, keyed by the session, and holds the platform clock's time so that the window is
judged by the same clock as everything else (tests move it)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.context import Context
from backend.domain.identity import errors
from backend.domain.identity.models import User
from backend.domain.identity.schemas import StepUpOut
from backend.domain.identity.totp import clear_attempts, count_attempt, totp_ok


def _key(session_id: uuid.UUID) -> str:
    return f"stepup:{session_id}"


async def step_up(
    session: AsyncSession, *, ctx: Context, user_id: uuid.UUID, session_id: uuid.UUID | None, code: str
) -> StepUpOut:
    if session_id is None:  # a machine or a service principal has no login session to mark
        raise errors.step_up_required()
    user = await session.get(User, user_id)
    if user is None or not user.totp_enabled:
        raise errors.totp_not_enabled()
    await count_attempt(ctx, user.id)
    if not totp_ok(ctx, user, code):
        raise errors.bad_totp()
    await clear_attempts(ctx, user.id)
    now_s = clock.now_s()
    ttl_s = ctx.settings.step_up_ttl_s
    # Redis forgets the mark a little after it stops counting; the stored time is what decides.
    await ctx.redis.set(_key(session_id), str(now_s), ex=ttl_s + 60)
    return StepUpOut(stepped_up_until=datetime.fromtimestamp(now_s + ttl_s, UTC))


async def stepped_up(ctx: Context, *, session_id: uuid.UUID | None) -> bool:
    """Whether this login session re-entered its TOTP code within the last `step_up_ttl_s`."""
    if session_id is None:
        return False
    raw = await ctx.redis.get(_key(session_id))
    if raw is None:
        return False
    at_s = float(raw)
    return 0 <= clock.now_s() - at_s < ctx.settings.step_up_ttl_s


async def forget_step_up(ctx: Context, *, session_id: uuid.UUID) -> None:
    await ctx.redis.delete(_key(session_id))
