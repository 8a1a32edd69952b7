"""叫号: the dispatcher calls the next N trucks, moves one to the tail (skip); the worker's sweep
requeues a called truck that missed its deadline once, and drops it on the second miss.

Concurrency: candidates are picked in queue order (PostgreSQL: FOR UPDATE SKIP LOCKED, so two
dispatchers take different trucks) and each is moved by a conditional UPDATE on its state and
version; a truck taken by someone else meanwhile is simply not counted and the next one is tried.
Each action commits itself, then mirrors the change into Redis.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.identity.schemas import Principal
from backend.domain.queue import errors, notify, rules, views
from backend.domain.queue.access import access_queue_site
from backend.domain.queue.entries import SYSTEM, active_entry, move
from backend.domain.queue.models import QueueEntry
from backend.domain.queue.policy import settings_of
from backend.domain.queue.schemas import QueueCall, QueueCallOut, QueueCardOut
from backend.domain.sites import service as sites

log = logging.getLogger("meitong.queue")
# Rounds of "pick candidates, move those still free" before giving up on a contended queue.
MAX_ROUNDS = 10
SWEEP_BATCH = 200


def _skip_locked(session: AsyncSession, query: Select[Any]) -> Select[Any]:
    # SQLite has one writer at a time and no row locks: the conditional UPDATE alone decides there.
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


async def call_next(session: AsyncSession, *, ctx: Context, actor: Principal, site_id: uuid.UUID, data: QueueCall,
                    now: datetime | None = None) -> QueueCallOut:
    """Call the next `count` waiting trucks of the line: each must reach the gate within the
    site's call deadline, and is told on every channel he has (inbox, push, SMS). Audited."""
    site = await access_queue_site(session, actor, site_id)
    now = now or utcnow()
    deadline = now + timedelta(seconds=(await settings_of(session, site_id=site.id)).call_deadline_s)
    called: list[QueueEntry] = []
    for _ in range(MAX_ROUNDS):
        want = data.count - len(called)
        if want <= 0:
            break
        query = (select(QueueEntry)
                 .where(QueueEntry.site_id == site.id, QueueEntry.line == data.line, QueueEntry.state == "waiting")
                 .order_by(QueueEntry.score, QueueEntry.order_id).limit(want)
                 .execution_options(populate_existing=True))
        candidates = (await session.execute(_skip_locked(session, query))).scalars().all()
        if not candidates:
            break
        for entry in candidates:
            if await move(session, entry, to="called", actor=actor.actor, note="call", at=now, called_at=now,
                          call_deadline_at=deadline):
                called.append(entry)
    for entry in called:
        await notify.called(session, entry, site_name=site.name)
    if called:
        await audit.record(session, actor=actor.actor, action="queue.call", entity="site", entity_id=site.id,
                           after={"line": data.line, "asked": data.count,
                                  "orders": [e.order_no for e in called], "deadline": deadline.isoformat()})
    out = QueueCallOut(line=data.line, called=[views.called_out(e, now=now) for e in called])
    return out


async def skip(session: AsyncSession, *, ctx: Context, actor: Principal, site_id: uuid.UUID, order_id: uuid.UUID,
               now: datetime | None = None) -> QueueCardOut:
    """Move a waiting or called truck to the tail of its band: its one requeue. Audited."""
    site = await access_queue_site(session, actor, site_id)
    now = now or utcnow()
    entry = await active_entry(session, order_id=order_id)
    if entry is None or entry.site_id != site.id:
        raise errors.entry_missing()
    if entry.requeues >= 1:
        raise errors.requeue_used()
    from_state = entry.state
    if not await move(session, entry, to="waiting", actor=actor.actor, note="skipped", at=now,
                      requeues=entry.requeues + 1, queued_at=now, score=rules.score(entry.band, now),
                      called_at=None, call_deadline_at=None):
        current = await active_entry(session, order_id=order_id)
        raise errors.not_callable(current.state if current else "left")
    await notify.requeued(session, entry, site_name=site.name, skipped=True)
    await audit.record(session, actor=actor.actor, action="queue.skip", entity="site", entity_id=site.id,
                       before={"order_no": entry.order_no, "state": from_state},
                       after={"order_no": entry.order_no, "state": "waiting", "requeues": entry.requeues})
    out = await views.card(session, ctx, entry, now=now, live=False, site_name=site.name)
    return out


async def sweep_deadlines(session: AsyncSession, *, ctx: Context, now: datetime) -> int:
    """Called trucks past their deadline: the first miss goes back to the tail (band kept), the
    second is dropped (the driver must check in again). Returns how many were moved. Safe in
    several workers at once; flushes (the job commits). Redis changes it or others missed are re-applied
    by the `queue.resync_mirror` job."""
    query = (select(QueueEntry)
             .where(QueueEntry.state == "called", QueueEntry.call_deadline_at < now)
             .order_by(QueueEntry.call_deadline_at, QueueEntry.id).limit(SWEEP_BATCH)
             .execution_options(populate_existing=True))
    due = (await session.execute(_skip_locked(session, query))).scalars().all()
    names = await sites.site_names(session, site_ids={e.site_id for e in due})
    moved = 0
    for entry in due:
        if entry.requeues == 0:
            if await move(session, entry, to="waiting", actor=SYSTEM, note="missed call", at=now, requeues=1,
                          queued_at=now, score=rules.score(entry.band, now), called_at=None, call_deadline_at=None):
                await notify.requeued(session, entry, site_name=names.get(entry.site_id, ""), skipped=False)
                moved += 1
        elif await move(session, entry, to="dropped", actor=SYSTEM, note="missed call again", at=now, closed_at=now):
            await notify.dropped(session, entry, site_name=names.get(entry.site_id, ""))
            moved += 1
    return moved
