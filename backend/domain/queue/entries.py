"""Entry rows: look-ups, the one conditional move every state change goes through, the event log,
and an INSERT that yields to a concurrent twin instead of failing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.audit.schemas import Actor
from backend.domain.queue import mirror
from backend.domain.queue.models import ACTIVE, QueueEntry, QueueEvent

SYSTEM = Actor(user_id=None, label="系统 (system)", client="worker")


def driver_actor(user_id: uuid.UUID) -> Actor:
    return Actor(user_id=user_id, label="司机 (driver)")


async def active_entry(session: AsyncSession, *, order_id: uuid.UUID) -> QueueEntry | None:
    query = select(QueueEntry).where(QueueEntry.order_id == order_id, QueueEntry.state.in_(ACTIVE))
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def latest_entry(session: AsyncSession, *, order_id: uuid.UUID,
                       driver_user_id: uuid.UUID | None = None) -> QueueEntry | None:
    """The order's newest entry (versions rise across an order's entries), optionally the driver's."""
    query = select(QueueEntry).where(QueueEntry.order_id == order_id)
    if driver_user_id is not None:
        query = query.where(QueueEntry.driver_user_id == driver_user_id)
    query = query.order_by(QueueEntry.version.desc()).limit(1).execution_options(populate_existing=True)
    return (await session.execute(query)).scalar_one_or_none()


async def order_entries(session: AsyncSession, *, order_id: uuid.UUID) -> tuple[QueueEntry | None, int]:
    """(the order's active entry, the version its next entry starts at) in one query."""
    rows = (await session.execute(
        select(QueueEntry).where(QueueEntry.order_id == order_id).execution_options(populate_existing=True)
    )).scalars().all()
    active = next((e for e in rows if e.state in ACTIVE), None)
    return active, max((e.version for e in rows), default=0) + 1


def ahead_filter(entry: QueueEntry) -> ColumnElement[bool]:
    """Waiting entries before this one: lower score, or the same score and a smaller order id —
    the order Redis gives equal scores (member bytes), so SQL and ZRANK agree."""
    return and_(
        QueueEntry.site_id == entry.site_id, QueueEntry.line == entry.line, QueueEntry.state == "waiting",
        or_(QueueEntry.score < entry.score, and_(QueueEntry.score == entry.score, QueueEntry.order_id < entry.order_id)),
    )


async def ahead_sql(session: AsyncSession, entry: QueueEntry) -> int:
    return int((await session.execute(select(func.count()).where(ahead_filter(entry)))).scalar_one())


def add_event(session: AsyncSession, *, entry_id: uuid.UUID, order_id: uuid.UUID, actor: Actor,
              from_state: str | None, to_state: str, note: str, at: datetime) -> None:
    session.add(QueueEvent(entry_id=entry_id, order_id=order_id, at=at, actor_user_id=actor.user_id,
                           actor_label=actor.label[:100], from_state=from_state, to_state=to_state, note=note[:200]))


async def move(session: AsyncSession, entry: QueueEntry, *, to: str, actor: Actor, note: str, at: datetime,
               **values: Any) -> bool:
    """Change `entry` only if nobody changed it since it was read (state and version unchanged):
    two dispatchers, or two sweeping workers, can never both act on the same entry."""
    from_state, version = entry.state, entry.version
    result = await session.execute(
        update(QueueEntry)
        .where(QueueEntry.id == entry.id, QueueEntry.state == from_state, QueueEntry.version == version)
        # updated_at is the wall clock, not `at` (a gate may report a passage late): resync keys on it.
        .values(state=to, version=version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    add_event(session, entry_id=entry.id, order_id=entry.order_id, actor=actor, from_state=from_state, to_state=to,
              note=note, at=at)
    mirror.touch(session, entry.order_id)
    await session.refresh(entry)
    return True


async def insert_or_nothing(session: AsyncSession, model: Any, values: dict[str, Any], *,
                            index_elements: list[str], index_where: Any = None) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on both backends; True if this call inserted the row.
    A concurrent twin waits for the first to commit (PostgreSQL) or for the write lock (SQLite)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing(
        index_elements=index_elements, index_where=index_where,
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]
