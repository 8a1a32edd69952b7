"""Entries to wire structs: the driver's card (position from Redis, SQL as the fallback) and the
site's recent service interval that turns a position into an ETA."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.queue import mirror, rules
from backend.domain.queue.entries import ahead_sql
from backend.domain.queue.models import QueueEntry, QueueEvent
from backend.domain.queue.schemas import BoardCalledOut, BoardWaitingOut, QueueCardOut, QueueEventOut
from backend.domain.sites import service as sites

# The measured interval is cached this long; every queue change clears it (mirror.publish).
INTERVAL_CACHE_S = 30


async def service_interval(session: AsyncSession, ctx: Context, *, site_id: uuid.UUID, line: str,
                           now: datetime) -> tuple[int, bool]:
    """(seconds per truck, measured?): the median gap between the last ~20 services of the line in
    the past day, or the 6-minute default when there were too few."""
    key = mirror.interval_key(ctx, site_id, line)
    cached = await ctx.redis.get(key)
    if cached:
        seconds, _, measured = (cached.decode() if isinstance(cached, bytes) else str(cached)).partition(":")
        return int(seconds), measured == "1"
    served = (await session.execute(
        select(QueueEntry.served_at)
        .where(QueueEntry.site_id == site_id, QueueEntry.line == line, QueueEntry.state == "served",
               QueueEntry.served_at >= now - rules.INTERVAL_WINDOW, QueueEntry.served_at <= now)
        .order_by(QueueEntry.served_at.desc()).limit(rules.INTERVAL_SAMPLE + 1)
    )).scalars().all()
    median = rules.median_interval_s([at for at in served if at is not None])
    value = (median or rules.DEFAULT_INTERVAL_S, median is not None)
    await ctx.redis.set(key, f"{value[0]}:{int(value[1])}", ex=INTERVAL_CACHE_S)
    return value


async def ahead_of(session: AsyncSession, ctx: Context, entry: QueueEntry, *, live: bool) -> int:
    """Trucks ahead: ZRANK when the mirror has the entry (`live`), else counted in SQL — also
    inside a transaction whose entry is not committed (and so not mirrored) yet."""
    if live:
        rank = await ctx.redis.zrank(mirror.zset_key(ctx, entry.site_id, entry.line), str(entry.order_id))
        if isinstance(rank, int):
            return rank
    return await ahead_sql(session, entry)


async def card(session: AsyncSession, ctx: Context, entry: QueueEntry, *, now: datetime, live: bool = True,
               site_name: str | None = None) -> QueueCardOut:
    interval_s, _ = await service_interval(session, ctx, site_id=entry.site_id, line=entry.line, now=now)
    ahead = await ahead_of(session, ctx, entry, live=live) if entry.state == "waiting" else None
    if site_name is None:
        site_name = (await sites.site_names(session, site_ids={entry.site_id})).get(entry.site_id, "")
    return QueueCardOut(
        order_id=entry.order_id, order_no=entry.order_no, site_id=entry.site_id, site_name=site_name,
        line=entry.line, plate=entry.plate, new_energy=entry.new_energy, state=entry.state,
        position=None if ahead is None else ahead + 1, ahead=ahead,
        eta_minutes=None if ahead is None else rules.eta_minutes(ahead, interval_s), service_interval_s=interval_s,
        called_at=entry.called_at, call_deadline_at=entry.call_deadline_at, requeues=entry.requeues,
        checked_in_at=entry.checked_in_at,
    )


def waiting_out(entry: QueueEntry, *, position: int, now: datetime) -> BoardWaitingOut:
    return BoardWaitingOut(
        position=position, order_id=entry.order_id, order_no=entry.order_no, plate=entry.plate,
        new_energy=entry.new_energy, waited_minutes=max(0, int((now - entry.checked_in_at).total_seconds() // 60)),
        requeues=entry.requeues, checked_in_at=entry.checked_in_at,
    )


def called_out(entry: QueueEntry, *, now: datetime) -> BoardCalledOut:
    assert entry.called_at is not None and entry.call_deadline_at is not None
    return BoardCalledOut(
        order_id=entry.order_id, order_no=entry.order_no, plate=entry.plate, new_energy=entry.new_energy,
        called_at=entry.called_at, call_deadline_at=entry.call_deadline_at,
        seconds_left=int((entry.call_deadline_at - now).total_seconds()), requeues=entry.requeues,
    )


def event_out(event: QueueEvent) -> QueueEventOut:
    return QueueEventOut(at=event.at, actor_label=event.actor_label, from_state=event.from_state,
                         to_state=event.to_state, note=event.note)
