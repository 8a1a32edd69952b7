"""What a seed has made once, by a key of its own, so that a second run never makes it again.

A seed that looked its objects up by their natural key (a site's name, a device's active code, a
gate's name) re-created whatever a user had since renamed, retired or revoked, and then either
duplicated it or tripped over a unique index (device_code_taken: `meitong run` failed to start once a
demo device had been retired). A mark says "made once": from then on the object is the user's, in
whatever state he has put it. Rows seeded before marks existed are adopted by their natural key the
first time (the caller looks them up, then marks them).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, utcnow


class SeedMark(Base):
    __tablename__ = "seed_marks"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    # The row the seed made (or adopted), when the seed needs it again (a site for its gates).
    entity_id: Mapped[uuid.UUID | None]
    made_at: Mapped[datetime] = mapped_column(default=utcnow)


async def marked(session: AsyncSession, *, key: str) -> SeedMark | None:
    return await session.get(SeedMark, key)


async def marks(session: AsyncSession, *, prefix: str) -> dict[str, uuid.UUID | None]:
    """Every mark whose key starts with `prefix`: key → entity id (one round trip for a family)."""
    rows = await session.execute(select(SeedMark.key, SeedMark.entity_id).where(SeedMark.key.startswith(prefix)))
    return {key: entity_id for key, entity_id in rows.all()}


async def mark(session: AsyncSession, *, key: str, entity_id: uuid.UUID | None = None) -> None:
    session.add(SeedMark(key=key, entity_id=entity_id))
    await session.flush()
