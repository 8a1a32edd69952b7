"""Recovery codes: ten single-use codes that stand in for a TOTP code at login when the phone with
the authenticator is lost. Shown once (at enrolment or regeneration), stored as HMAC-SHA256 under
the platform's secret key: a code has 40 random bits, so a keyed fast hash is enough and a stolen
table alone proves nothing. Using one tells the person (an in-app notice) how many are left."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.identity.models import RecoveryCode, User
from backend.domain.identity.schemas import RecoveryStatus

RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: a code is read off paper and typed on a phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _digest(ctx: Context, code: str) -> str:
    normal = code.strip().lower().replace("-", "").replace(" ", "")
    return hmac.new(ctx.settings.secret_key.encode(), f"recovery:{normal}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


async def issue_recovery_codes(session: AsyncSession, *, ctx: Context, user_id: uuid.UUID) -> list[str]:
    """A fresh set of ten; every earlier code of the user stops working."""
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    now = utcnow()
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user_id, code_hash=_digest(ctx, code), created_at=now) for code in codes)
    await session.flush()
    return codes


async def recovery_codes_left(session: AsyncSession, *, user_id: uuid.UUID) -> int:
    count = await session.scalar(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    return int(count or 0)


async def recovery_status(session: AsyncSession, *, user_id: uuid.UUID) -> RecoveryStatus:
    user = await session.get(User, user_id)
    return RecoveryStatus(totp_enabled=bool(user and user.totp_enabled),
                          remaining=await recovery_codes_left(session, user_id=user_id))


async def spend_recovery_code(session: AsyncSession, *, ctx: Context, user_id: uuid.UUID, code: str) -> int:
    """Spend one unused code of the user; the number left, or -1 when the code is wrong or used.
    The conditional UPDATE spends it atomically: of two logins racing with one code, one wins."""
    spent = await session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == _digest(ctx, code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        return -1
    return await recovery_codes_left(session, user_id=user_id)
