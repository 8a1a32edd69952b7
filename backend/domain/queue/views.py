"""Entries to wire structs: the driver's card (position from Redis, SQL as the fallback) and the
site's recent service interval that turns a position into an ETA."""

from __future__ import annotations

import time
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

# The measured interval is cached this long; a truck going in clears it (mirror.publish).
INTERVAL_CACHE_S = 30
SITE_NAME_CACHE_S = 60.0
_SITE_NAMES: dict[uuid.UUID, tuple[str, float]] = {}


async def _measure_interval(session: AsyncSession, ctx: Context, *, site_id: uuid.UUID, line: str,
                            now: datetime) -> tuple[int, bool]:
    served = (await session.execute(
        select(QueueEntry.served_at)
        .where(QueueEntry.site_id == site_id, QueueEntry.line == line, QueueEntry.state == "served",
               QueueEntry.served_at >= now - rules.INTERVAL_WINDOW, QueueEntry.served_at <= now)
        .order_by(QueueEntry.served_at.desc()).limit(rules.INTERVAL_SAMPLE + 1)
    )).scalars().all()
    median = rules.median_interval_s([at for at in served if at is not None])
    value = (median or rules.DEFAULT_INTERVAL_S, median is not None)
    await ctx.redis.set(mirror.interval_key(ctx, site_id, line), f"{value[0]}:{int(value[1])}", ex=INTERVAL_CACHE_S)
    return value


def _cached_interval(raw: object) -> tuple[int, bool] | None:
    if not raw:
        return None
    seconds, _, measured = (raw.decode() if isinstance(raw, bytes) else str(raw)).partition(":")
    return int(seconds), measured == "1"


async def service_interval(session: AsyncSession, ctx: Context, *, site_id: uuid.UUID, line: str,
                           now: datetime) -> tuple[int, bool]:
    """(seconds per truck, measured?): the median gap between the last ~20 services of the line in
    the past day, or the 6-minute default when there were too few."""
    cached = _cached_interval(await ctx.redis.get(mirror.interval_key(ctx, site_id, line)))
    return cached or await _measure_interval(session, ctx, site_id=site_id, line=line, now=now)


async def _site_name(session: AsyncSession, site_id: uuid.UUID) -> str:
    """Site names change rarely and every card shows one: kept a minute per process."""
    hit = _SITE_NAMES.get(site_id)
    if hit is not None and hit[1] > time.monotonic():
        return hit[0]
    name = (await sites.site_names(session, site_ids={site_id})).get(site_id, "")
    if len(_SITE_NAMES) > 10_000:
        _SITE_NAMES.clear()
    _SITE_NAMES[site_id] = (name, time.monotonic() + SITE_NAME_CACHE_S)
    return name


async def card(session: AsyncSession, ctx: Context, entry: QueueEntry, *, now: datetime, live: bool = True,
               site_name: str | None = None) -> QueueCardOut:
    """`live`: the position from the mirror (ZRANK), else counted in SQL — also the way inside a
    transaction whose entry is not committed (and so not mirrored) yet."""
    waiting = entry.state == "waiting"
    async with ctx.redis.pipeline(transaction=False) as pipe:  # one round trip for both
        pipe.get(mirror.interval_key(ctx, entry.site_id, entry.line))
        if live and waiting:
            pipe.zrank(mirror.zset_key(ctx, entry.site_id, entry.line), str(entry.order_id))
        answers = await pipe.execute()
    interval = _cached_interval(answers[0]) or await _measure_interval(
        session, ctx, site_id=entry.site_id, line=entry.line, now=now)
    interval_s = interval[0]
    ahead: int | None = None
    if waiting:
        rank = answers[1] if len(answers) > 1 else None
        ahead = rank if isinstance(rank, int) else await ahead_sql(session, entry)
    if site_name is None:
        site_name = await _site_name(session, entry.site_id)
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
