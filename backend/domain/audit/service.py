"""Record changes in the same transaction as the change itself, so neither exists without the other."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit.models import AuditEntry
from backend.domain.audit.reads import list_reads, record_reads
from backend.domain.audit.schemas import Actor, AuditOut

__all__ = ["history", "list_reads", "record", "record_reads", "snapshot"]


# Never copied into the trail: secrets and personal numbers (the trail is read by more people).
_REDACT = {"password_hash", "totp_secret_enc", "secret_enc", "previous_secret_enc", "id_number_enc", "id_number_hash"}


def snapshot(row: Any, *, fields: tuple[str, ...] | None = None) -> dict[str, Any]:
    names = fields or tuple(c.key for c in row.__table__.columns)
    out: dict[str, Any] = {}
    for name in names:
        if name in _REDACT:
            continue
        value = getattr(row, name)
        if isinstance(value, uuid.UUID | datetime | date):
            value = str(value) if isinstance(value, uuid.UUID) else value.isoformat()
        out[name] = value
    return out


async def record(
    session: AsyncSession, *, actor: Actor, action: str, entity: str, entity_id: object,
    before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
) -> None:
    if before is not None and after is not None:
        # Keep only what changed, plus nothing else: the trail stays readable.
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
    session.add(
        AuditEntry(
            actor_user_id=actor.user_id, actor_label=actor.label[:100], action=action, entity=entity,
            entity_id=str(entity_id), before=before, after=after, client=actor.client[:300],
        )
    )


async def history(session: AsyncSession, *, entity: str, entity_id: object, limit: int = 100) -> list[AuditOut]:
    rows = await session.execute(
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.at.desc())
        .limit(limit)
    )
    return [
        AuditOut(
            at=e.at, actor_label=e.actor_label, action=e.action, entity=e.entity, entity_id=e.entity_id,
            before=e.before, after=e.after, client=e.client,
        )
        for e in rows.scalars()
    ]
