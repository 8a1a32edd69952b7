"""A person's own login sessions: the list (which browsers and apps are signed in), and remote
sign-out of one or of all the others. Revoking an AuthSession ends it everywhere at once: its refresh
tokens are refused (tokens.rotate) and so are its access tokens (principal_basics checks the session)."""

from __future__ import annotations

import uuid
from functools import lru_cache

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from ua_parser import parse as parse_agent

from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.identity.models import AuthSession, RefreshToken
from backend.domain.identity.schemas import Principal, SessionOut, SignedOut
from backend.errors import NotFound

_LAST_USED = (
    select(func.max(RefreshToken.created_at)).where(RefreshToken.session_id == AuthSession.id)
    .correlate(AuthSession).scalar_subquery()
)
_LIVE_UNTIL = (
    select(func.max(RefreshToken.expires_at)).where(RefreshToken.session_id == AuthSession.id)
    .correlate(AuthSession).scalar_subquery()
)


@lru_cache(maxsize=1024)
def device_label(client: str) -> str:
    """A person's name for a login's client ("Chrome 120 · Windows 10", "Mobile Safari 17 · iOS 17 ·
    iPhone") from the stored "address user-agent" label; an agent no rule knows (an app's HTTP
    library) is shown as it is."""
    agent = client.partition(" ")[2]
    found = parse_agent(agent) if agent else None
    if found is None or found.user_agent is None:
        return agent[:60]
    parts = [" ".join(p for p in (found.user_agent.family, found.user_agent.major) if p)]
    if found.os is not None:
        parts.append(" ".join(p for p in (found.os.family, found.os.major) if p))
    if found.device is not None and found.device.family not in ("Other", "Spider"):
        parts.append(found.device.family)
    return " · ".join(parts)


async def list_sessions(session: AsyncSession, *, actor: Principal) -> list[SessionOut]:
    """The caller's sessions still signed in (not revoked, a refresh token not yet expired)."""
    rows = await session.execute(
        select(AuthSession.id, AuthSession.client, AuthSession.created_at, _LAST_USED)
        .where(AuthSession.user_id == actor.user_id, AuthSession.revoked_at.is_(None), _LIVE_UNTIL > utcnow())
        .order_by(AuthSession.created_at.desc())
    )
    return [
        SessionOut(session_id=sid, client=client, device=device_label(client), address=client.partition(" ")[0], created_at=created_at, last_used_at=last_used or created_at,
                   current=sid == actor.session_id)
        for sid, client, created_at, last_used in rows.all()
    ]


async def _revoke(session: AsyncSession, *, actor: Principal, ids: list[uuid.UUID], reason: str) -> int:
    if not ids:
        return 0
    await session.execute(
        update(AuthSession).where(AuthSession.id.in_(ids), AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )
    for sid in ids:
        await audit.record(session, actor=actor.actor, action="session.sign_out", entity="auth_session",
                           entity_id=sid, after={"reason": reason})
    return len(ids)


async def sign_out_session(session: AsyncSession, *, actor: Principal, session_id: uuid.UUID) -> SignedOut:
    """End one of the caller's own sessions (another's, or one already ended: 404 alike)."""
    row = await session.get(AuthSession, session_id)
    if row is None or row.user_id != actor.user_id or row.revoked_at is not None:
        raise NotFound("登录会话", "session")
    return SignedOut(signed_out=await _revoke(session, actor=actor, ids=[row.id], reason="remote_sign_out"))


async def sign_out_others(session: AsyncSession, *, actor: Principal) -> SignedOut:
    """End every session of the caller except the one asking."""
    query = select(AuthSession.id).where(AuthSession.user_id == actor.user_id, AuthSession.revoked_at.is_(None))
    if actor.session_id is not None:
        query = query.where(AuthSession.id != actor.session_id)
    ids = list((await session.execute(query)).scalars().all())
    return SignedOut(signed_out=await _revoke(session, actor=actor, ids=ids, reason="remote_sign_out"))
