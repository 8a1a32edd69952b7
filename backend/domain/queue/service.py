"""The site queue (排队/叫号) as the orders feature and the apps use it.

Calling contract (orders → queue; the queue never imports orders):

- `check_in`, `leave`, `mark_entered`, `book_slot`, `cancel_booking` only FLUSH: they join the
  caller's unit of work, so an order's status and its queue entry change together or not at all.
  Every entry change registers a follow-up with the unit (backend/db/unit.py): once the owner
  COMMITs, the committed entries are copied into Redis and the live cards and boards woken. Redis
  therefore never runs ahead of SQL. A failed copy costs freshness, not correctness: positions fall
  back to SQL until the worker's sweep (`sweep_deadlines`, every few seconds) re-applies them.
  A refusal is a DomainError, raised before any change worth keeping: the owner rolls back.
- The dispatcher's actions (`call_next`, `skip`, `update_settings`) and `sweep_deadlines` flush
  too; the request or the job that called them commits.
- `rebuild(ctx)` at start-up makes Redis equal to SQL (the app lifespan and the worker call it).

Entry states: waiting → called → served, with waiting ⇄ called by deadlines and skips (one
requeue), dropped after a second missed call, left when the order is cancelled, lapses or is
re-dispatched. Every change is one conditional UPDATE (state and version as read) plus a
queue_events row: who, when, from, to, why.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit.schemas import Actor
from backend.domain.identity.schemas import Principal
from backend.domain.queue import errors, mirror, rules, views
from backend.domain.queue.access import access_queue_site
from backend.domain.queue.appointments import book_slot, cancel_booking, list_slots, use_for_checkin
from backend.domain.queue.board import board
from backend.domain.queue.calls import call_next, skip, sweep_deadlines
from backend.domain.queue.entries import (
    SYSTEM,
    active_entry,
    add_event,
    driver_actor,
    insert_or_nothing,
    latest_entry,
    move,
    order_entries,
)
from backend.domain.queue.live import board_updates, card_updates
from backend.domain.queue.mirror import rebuild
from backend.domain.queue.models import ACTIVE_SQL, QueueEntry, QueueEvent
from backend.domain.queue.policy import get_settings, settings_of, update_settings
from backend.domain.queue.schemas import LINE_PATTERN, QueueBoardOut, QueueCardOut, QueueEventOut, QueueTicket
from backend.domain.sites import service as sites
from geo.fences import distance_to_fence_m

__all__ = ["board", "board_stream", "board_updates", "book_slot", "call_next", "cancel_booking", "card",
    "card_updates", "check_in", "entry_events", "entry_state", "get_settings", "leave", "list_slots", "mark_entered",
    "own_card", "own_card_stream", "rebuild", "skip", "sweep_deadlines", "update_settings"]
_LINE = re.compile(LINE_PATTERN)


def _check_position(lon: float, lat: float, accuracy_m: float | None) -> None:
    if not rules.position_ok(lon, lat):
        raise errors.position_invalid()
    if accuracy_m is not None and not accuracy_m <= rules.MAX_ACCURACY_M:  # NaN is refused too
        raise errors.inaccurate(accuracy_m)


async def check_in(session: AsyncSession, *, ctx: Context, ticket: QueueTicket, lon: float, lat: float,
                   accuracy_m: float | None = None, now: datetime | None = None) -> QueueCardOut:
    """签到: join the queue of the ticket's site and line from inside its check-in zone (the site's
    fence when it has none). Idempotent: an order already queued keeps its place and gets its card.
    Flushes; the caller's unit commits (and then mirrors the entry)."""
    now = now or utcnow()
    if not _LINE.match(ticket.line):
        raise errors.line_invalid(ticket.line)
    _check_position(lon, lat, accuracy_m)
    site = await sites.site_brief(session, site_id=ticket.site_id)
    if site is None:
        raise errors.site_missing()
    current, version = await order_entries(session, order_id=ticket.order_id)
    if current is not None and current.driver_user_id == ticket.driver_user_id:
        return await views.card(session, ctx, current, now=now, live=False, site_name=site.name)
    if site.status != "active":
        raise errors.site_closed()
    zone = rules.zone_fence(site.checkin_zone or site.fence)
    outside_m = distance_to_fence_m(zone, lon=lon, lat=lat)
    if outside_m > 0:
        raise errors.outside_zone(outside_m)
    settings = await settings_of(session, site_id=site.id)
    if settings.appointments_required:
        await use_for_checkin(session, order_id=ticket.order_id, site_id=site.id, now=now)
    if current is not None:  # re-dispatched to another driver without `leave`: the old place goes
        await move(session, current, to="left", actor=SYSTEM, note="driver changed", at=now, closed_at=now)
        version = current.version + 1
    band = rules.band(new_energy=ticket.new_energy, nev_first=settings.nev_first)
    from_site_m = distance_to_fence_m(rules.zone_fence(site.fence), lon=lon, lat=lat)
    values = {
        "id": uuid.uuid4(), "site_id": site.id, "line": ticket.line, "order_id": ticket.order_id,
        "order_no": ticket.order_no, "plate": ticket.plate, "new_energy": ticket.new_energy,
        "driver_user_id": ticket.driver_user_id, "state": "waiting", "band": band, "score": rules.score(band, now),
        "version": version, "checked_in_at": now, "queued_at": now,
        "requeues": 0, "lon": lon, "lat": lat, "accuracy_m": accuracy_m, "updated_at": utcnow(),
        "distance_to_site_m": from_site_m,
    }
    inserted = await insert_or_nothing(session, QueueEntry, values, index_elements=["order_id"],
                                       index_where=ACTIVE_SQL)
    entry = await active_entry(session, order_id=ticket.order_id)
    assert entry is not None
    if inserted:  # else a twin check-in of this order won the race: its place stands
        add_event(session, entry_id=entry.id, order_id=entry.order_id, actor=driver_actor(ticket.driver_user_id),
                  from_state=None, to_state="waiting", note=f"{rules.distance_text(from_site_m)} from the site", at=now)
        mirror.touch(session, entry.order_id)
        await session.flush()
    return await views.card(session, ctx, entry, now=now, live=False, site_name=site.name)


async def leave(session: AsyncSession, *, ctx: Context, order_id: uuid.UUID, reason: str,
                actor: Actor | None = None, now: datetime | None = None) -> None:
    """The order was cancelled, lapsed or re-dispatched: its entry (if any) leaves the queue and its
    booked hour is given back. Flushes; the caller's unit commits."""
    now = now or utcnow()
    await cancel_booking(session, ctx=ctx, order_id=order_id, now=now)
    entry = await active_entry(session, order_id=order_id)
    if entry is not None:
        await move(session, entry, to="left", actor=actor or SYSTEM, note=reason, at=now, closed_at=now)
        await session.flush()


async def mark_entered(session: AsyncSession, *, ctx: Context, order_id: uuid.UUID, actor: Actor | None = None,
                       now: datetime | None = None) -> None:
    """The truck passed the gate: its entry (called, or waiting if let in early) is served.
    No entry is fine (a site may admit trucks that never queued). Flushes; the caller commits."""
    now = now or utcnow()
    entry = await active_entry(session, order_id=order_id)
    if entry is not None:
        await move(session, entry, to="served", actor=actor or SYSTEM, note="gate in", at=now, served_at=now,
                   closed_at=now)
        await session.flush()


async def entry_state(session: AsyncSession, *, order_id: uuid.UUID) -> str | None:
    """The state of the order's newest entry: waiting | called | served | dropped | left, or None."""
    entry = await latest_entry(session, order_id=order_id)
    return None if entry is None else entry.state


async def card(session: AsyncSession, *, ctx: Context, order_id: uuid.UUID, now: datetime | None = None,
               driver_user_id: uuid.UUID | None = None) -> QueueCardOut | None:
    """The order's card (its newest entry; only the given driver's when `driver_user_id`), or None."""
    entry = await latest_entry(session, order_id=order_id, driver_user_id=driver_user_id)
    return None if entry is None else await views.card(session, ctx, entry, now=now or utcnow())


async def entry_events(session: AsyncSession, *, order_id: uuid.UUID) -> list[QueueEventOut]:
    """Every queue event of the order, oldest first (for the order's detail page)."""
    rows = await session.execute(select(QueueEvent).where(QueueEvent.order_id == order_id)
                                 .order_by(QueueEvent.at, QueueEvent.id))
    return [views.event_out(e) for e in rows.scalars()]


async def own_card(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID) -> QueueCardOut:
    """The driver's own card; 404 alike for no entry and for someone else's order."""
    out = await card(session, ctx=ctx, order_id=order_id, driver_user_id=actor.user_id)
    if out is None:
        raise errors.entry_missing()
    return out


async def own_card_stream(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID,
                          idle_s: float = 15.0) -> AsyncIterator[QueueCardOut | None]:
    """After the same check as `own_card`: the live card (see `live.card_updates`)."""
    first = await own_card(session, ctx=ctx, actor=actor, order_id=order_id)
    return card_updates(ctx, order_id=order_id, driver_user_id=actor.user_id, site_id=first.site_id,
                        line=first.line, idle_s=idle_s)


async def board_stream(session: AsyncSession, *, ctx: Context, actor: Principal, site_id: uuid.UUID,
                       line: str | None = None, idle_s: float = 15.0) -> AsyncIterator[QueueBoardOut | None]:
    """After the board's access check: the live board (see `live.board_updates`)."""
    site = await access_queue_site(session, actor, site_id)
    return board_updates(ctx, actor=actor, site_id=site.id, line=line, idle_s=idle_s)
