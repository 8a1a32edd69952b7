"""The dispatcher's board: per line, the waiting trucks in call order, the called ones with their
countdown, how many were served today and the recent pace. Read from SQL (the source of truth)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.identity.schemas import Principal
from backend.domain.queue import rules, views
from backend.domain.queue.access import access_queue_site
from backend.domain.queue.models import ACTIVE, QueueEntry
from backend.domain.queue.policy import settings_of
from backend.domain.queue.schemas import QueueBoardOut, QueueLineOut


async def board(session: AsyncSession, *, ctx: Context, actor: Principal, site_id: uuid.UUID,
                line: str | None = None, now: datetime | None = None) -> QueueBoardOut:
    site = await access_queue_site(session, actor, site_id)
    now = now or utcnow()
    where = [QueueEntry.site_id == site.id] + ([QueueEntry.line == line] if line else [])
    active = (await session.execute(
        select(QueueEntry).where(*where, QueueEntry.state.in_(ACTIVE))
        .order_by(QueueEntry.line, QueueEntry.score, QueueEntry.order_id)
    )).scalars().all()
    served = dict((await session.execute(
        select(QueueEntry.line, func.count()).where(*where, QueueEntry.state == "served",
                                                    QueueEntry.served_at >= rules.china_day_start(now))
        .group_by(QueueEntry.line)
    )).all())
    by_line: dict[str, list[QueueEntry]] = defaultdict(list)
    for entry in active:
        by_line[entry.line].append(entry)
    lines = []
    for name in sorted(set(by_line) | set(served) | ({line} if line else set())):
        interval_s, measured = await views.service_interval(session, ctx, site_id=site.id, line=name, now=now)
        waiting = [e for e in by_line[name] if e.state == "waiting"]
        called = sorted((e for e in by_line[name] if e.state == "called"), key=lambda e: (e.called_at, e.score, str(e.order_id)))
        lines.append(QueueLineOut(
            line=name, waiting=[views.waiting_out(e, position=i, now=now) for i, e in enumerate(waiting, 1)],
            called=[views.called_out(e, now=now) for e in called], served_today=int(served.get(name, 0)),
            service_interval_s=interval_s, service_interval_measured=measured,
        ))
    return QueueBoardOut(site_id=site.id, site_name=site.name, at=now,
                         settings=await settings_of(session, site_id=site.id), lines=lines)
