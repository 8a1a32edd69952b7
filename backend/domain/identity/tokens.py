"""Access JWTs (short, stateless) and opaque refresh tokens (rotating, stored hashed)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend import clock
from backend.db.base import utcnow
from backend.db.unit import keep_on_error
from backend.domain.identity import errors
from backend.domain.identity.events import SessionStarted
from backend.domain.identity.models import AuthSession, RefreshToken
from backend.domain.identity.schemas import Tokens
from backend.events import announce
from backend.settings import Settings

ALGORITHM = "HS256"


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def encode_jwt(settings: Settings, *, sub: uuid.UUID, typ: str, ttl_s: int, **claims: Any) -> str:
    now = clock.now()
    payload = {"sub": str(sub), "typ": typ, "iat": now, "exp": now + timedelta(seconds=ttl_s), **claims}
    return jwt.encode(payload, settings.secret_key, algorithm=ALGORITHM)


def decode_jwt(settings: Settings, token: str, *, typ: str) -> dict[str, Any]:
    try:
        # Expiry is judged by the platform's clock (which tests move), not PyJWT's own reading of it.
        claims: dict[str, Any] = jwt.decode(token, settings.secret_key, algorithms=[ALGORITHM],
                                            options={"require": ["exp"], "verify_exp": False, "verify_iat": False})
    except jwt.PyJWTError as exc:
        raise errors.token_invalid() from exc
    if not isinstance(claims["exp"], int | float) or claims["exp"] <= clock.now_s():
        raise errors.token_invalid()
    if claims.get("typ") != typ:
        raise errors.token_invalid()
    return claims


async def issue(
    session: AsyncSession, *, settings: Settings, user_id: uuid.UUID, session_id: uuid.UUID | None = None,
    client: str = "",
) -> Tokens:
    """New tokens; a new login session (family) unless continuing one on refresh."""
    now = utcnow()
    if session_id is None:
        auth_session = AuthSession(user_id=user_id, created_at=now, client=client[:200])
        session.add(auth_session)
        await session.flush()
        session_id = auth_session.id
        # The person is told of every new sign-in (notices): a login he did not make shows at once.
        await announce(session, SessionStarted(user_id=user_id, session_id=session_id, client=auth_session.client,
                                               started_at=now))
    refresh = "rt_" + secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            session_id=session_id, token_hash=_sha256(refresh), created_at=now,
            expires_at=now + timedelta(seconds=settings.refresh_token_ttl_s),
        )
    )
    access = encode_jwt(settings, sub=user_id, typ="access", ttl_s=settings.access_token_ttl_s, sid=str(session_id))
    return Tokens(access_token=access, refresh_token=refresh, expires_in=settings.access_token_ttl_s)


async def rotate(session: AsyncSession, *, settings: Settings, refresh_token: str) -> Tokens:
    """Swap a refresh token for a new pair. A token used twice revokes its whole family.

    The `used_at IS NULL` guard in the UPDATE makes the swap atomic: of two concurrent refreshes
    with one token, exactly one wins and the other is treated as reuse.
    """
    now = utcnow()
    row = (
        await session.execute(select(RefreshToken).where(RefreshToken.token_hash == _sha256(refresh_token)))
    ).scalar_one_or_none()
    if row is None:
        raise errors.token_invalid("refresh token")
    auth_session = await session.get(AuthSession, row.session_id)
    if auth_session is None or auth_session.revoked_at is not None:
        raise errors.token_invalid("refresh token")
    claimed = await session.execute(
        update(RefreshToken).where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None)).values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        auth_session.revoked_at = now
        auth_session.revoked_reason = "refresh_reuse"
        keep_on_error(session)  # the revocation stands although the request answers with the error
        raise errors.refresh_reused()
    if row.expires_at <= now:
        raise errors.token_invalid("refresh token")
    return await issue(session, settings=settings, user_id=auth_session.user_id, session_id=auth_session.id)


async def revoke_session(session: AsyncSession, *, session_id: uuid.UUID, reason: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


async def session_user(session: AsyncSession, *, refresh_token: str) -> AuthSession | None:
    row = (
        await session.execute(select(RefreshToken).where(RefreshToken.token_hash == _sha256(refresh_token)))
    ).scalar_one_or_none()
    return None if row is None else await session.get(AuthSession, row.session_id)
