"""签到 and appointments: the driver of a dispatched order joins his site's queue from the road.

The queue feature judges the position (inside the check-in zone, or how far off) and keeps the
place; this module decides whether this order may queue at all: the caller must be its driver, the
order dispatched and within its validity.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.identity.schemas import Principal
from backend.domain.orders import errors, rules
from backend.domain.orders.access import own_order, readable_filter
from backend.domain.orders.models import PickupOrder
from backend.domain.orders.schemas import OPEN_STATUSES, CheckIn
from backend.domain.parties.schemas import OWN_LOADS
from backend.domain.queue import service as queue
from backend.domain.queue.schemas import AppointmentOut, QueueCardOut, QueueTicket, SlotDayOut


async def _queueable(session: AsyncSession, actor: Principal, order_id: uuid.UUID) -> PickupOrder:
    order = await own_order(session, actor, order_id)
    if not rules.can_check_in(order.status):
        raise errors.illegal_transition(order.status, "checked_in")
    now = utcnow()
    if now < order.valid_from:
        raise errors.not_yet_valid()
    if now >= order.valid_until:
        raise errors.lapsed()
    return order


def ticket(order: PickupOrder) -> QueueTicket:
    assert order.plate is not None and order.driver_user_id is not None  # set by dispatch
    return QueueTicket(order_id=order.id, order_no=order.order_no, site_id=order.site_id, line=order.product,
                       plate=order.plate, new_energy=bool(order.new_energy), driver_user_id=order.driver_user_id)


async def check_in(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID,
                   data: CheckIn) -> QueueCardOut:
    order = await _queueable(session, actor, order_id)
    card = await queue.check_in(session, ctx=ctx, ticket=ticket(order), lon=data.lon, lat=data.lat,
                                accuracy_m=data.accuracy_m)
    return card


async def book_slot(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID,
                    hour_start: datetime) -> AppointmentOut:
    order = await _queueable(session, actor, order_id)
    booked = await queue.book_slot(session, ctx=ctx, ticket=ticket(order), hour_start=hour_start)
    return booked



async def queue_card(session: AsyncSession, *, ctx: Context, actor: Principal, order_id: uuid.UUID) -> QueueCardOut | None:
    """The driver's queue card for one of his orders, or None before he checks in."""
    order = await own_order(session, actor, order_id)
    return await queue.card(session, ctx=ctx, order_id=order.id)


async def site_slots(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID, day: date | None = None) -> SlotDayOut:
    """A site's booking hours, for a driver who may book there: one who drives an open order at it.

    Booking is always through an order (book_slot above), and no site takes bookings from the public,
    so a driver with no open load at a site has no reason to learn how busy it is: its slots are
    another party's business (when its trucks come, how many) and answer "not found" like a missing site.
    """
    mine = select(PickupOrder.id).where(
        PickupOrder.site_id == site_id, PickupOrder.status.in_(OPEN_STATUSES),
        readable_filter(actor, reading_as=OWN_LOADS))
    if not (await session.execute(select(exists(mine)))).scalar():
        raise errors.site_not_found()
    return await queue.list_slots(session, site_id=site_id, day=day)
