"""预约: a driver books an hour at a site for his order; each hour holds the site's hourly quota.

The quota holds under any concurrency: one conditional UPDATE (`booked < quota`) per booking on the
hour's slot row, which PostgreSQL serialises by the row lock (re-checking the condition after the
wait) and SQLite by its single writer. Like check-in, these functions flush and never commit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.queue import errors, rules
from backend.domain.queue.entries import insert_or_nothing
from backend.domain.queue.models import BOOKED_SQL, Appointment, AppointmentSlot
from backend.domain.queue.policy import settings_of
from backend.domain.queue.schemas import AppointmentOut, QueueTicket, SlotDayOut, SlotOut
from backend.domain.sites import service as sites

HOUR = timedelta(hours=1)


def _out(a: Appointment) -> AppointmentOut:
    return AppointmentOut(id=a.id, order_id=a.order_id, order_no=a.order_no, site_id=a.site_id,
                          hour_start=a.hour_start, hour_end=a.hour_start + HOUR, state=a.state, created_at=a.created_at)


async def _booked(session: AsyncSession, *, order_id: uuid.UUID) -> Appointment | None:
    query = select(Appointment).where(Appointment.order_id == order_id, Appointment.state == "booked")
    return (await session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()


async def _slot_id(session: AsyncSession, *, site_id: uuid.UUID, hour_start: datetime) -> uuid.UUID:
    where = (AppointmentSlot.site_id == site_id, AppointmentSlot.hour_start == hour_start)
    found = (await session.execute(select(AppointmentSlot.id).where(*where))).scalar()
    if found is None:
        await insert_or_nothing(session, AppointmentSlot, {"site_id": site_id, "hour_start": hour_start, "booked": 0},
                                index_elements=["site_id", "hour_start"])
        found = (await session.execute(select(AppointmentSlot.id).where(*where))).scalar_one()
    return found


async def _count(session: AsyncSession, slot_id: uuid.UUID, delta: int, *, quota: int | None = None) -> bool:
    statement = update(AppointmentSlot).where(AppointmentSlot.id == slot_id)
    if quota is not None:
        statement = statement.where(AppointmentSlot.booked < quota)
    result = await session.execute(statement.values(booked=AppointmentSlot.booked + delta))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _release(session: AsyncSession, appointment: Appointment, *, at: datetime) -> None:
    result = await session.execute(
        update(Appointment).where(Appointment.id == appointment.id, Appointment.state == "booked")
        .values(state="cancelled", closed_at=at).execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        await _count(session, appointment.slot_id, -1)


async def book_slot(session: AsyncSession, *, ctx: Context, ticket: QueueTicket, hour_start: datetime,
                    now: datetime | None = None) -> AppointmentOut:
    """Book `hour_start` (on the hour, within 7 days) for the ticket's order: 409 slot_full when the
    hour holds its quota. Booking another hour moves the booking; the same hour again is a no-op.
    Flushes; the caller commits."""
    now = now or utcnow()
    if hour_start.tzinfo is None or not rules.on_the_hour(hour_start):
        raise errors.slot_hour_invalid()
    hour_start = hour_start.astimezone(UTC)
    if hour_start + HOUR <= now or hour_start > now + rules.BOOKING_HORIZON:
        raise errors.slot_hour_invalid()
    site = await sites.site_brief(session, site_id=ticket.site_id)
    if site is None:
        raise errors.site_missing()
    if site.status != "active":
        raise errors.site_closed()
    existing = await _booked(session, order_id=ticket.order_id)
    if existing is not None and existing.hour_start == hour_start and existing.site_id == site.id:
        return _out(existing)
    quota = (await settings_of(session, site_id=site.id)).hourly_quota
    slot_id = await _slot_id(session, site_id=site.id, hour_start=hour_start)
    if not await _count(session, slot_id, +1, quota=quota):
        raise errors.slot_full(hour_start)
    if existing is not None:
        await _release(session, existing, at=now)
    values = {"slot_id": slot_id, "site_id": site.id, "order_id": ticket.order_id, "order_no": ticket.order_no,
              "driver_user_id": ticket.driver_user_id, "hour_start": hour_start, "state": "booked", "created_at": now}
    if not await insert_or_nothing(session, Appointment, values, index_elements=["order_id"],
                                   index_where=BOOKED_SQL):
        await _count(session, slot_id, -1)  # the same order booked at this very moment elsewhere: keep that one
    booked = await _booked(session, order_id=ticket.order_id)
    assert booked is not None
    return _out(booked)


async def cancel_booking(session: AsyncSession, *, ctx: Context, order_id: uuid.UUID,
                         now: datetime | None = None) -> bool:
    """Give the order's booked hour back; False if it had none. Flushes; the caller commits."""
    existing = await _booked(session, order_id=order_id)
    if existing is None:
        return False
    await _release(session, existing, at=now or utcnow())
    return True


async def use_for_checkin(session: AsyncSession, *, order_id: uuid.UUID, site_id: uuid.UUID, now: datetime) -> None:
    """The order's appointment whose hour (± 15 minutes) holds `now` is used; none is 409."""
    rows = (await session.execute(
        select(Appointment).where(Appointment.order_id == order_id, Appointment.site_id == site_id,
                                  Appointment.state.in_(("booked", "used")))
        .order_by(Appointment.hour_start)
    )).scalars().all()
    for a in rows:
        if a.hour_start - rules.APPOINTMENT_GRACE <= now < a.hour_start + HOUR + rules.APPOINTMENT_GRACE:
            if a.state == "booked":
                a.state = "used"
                await session.flush()
            return
    booked = [a for a in rows if a.state == "booked"]
    raise errors.appointment_required(booked[0].hour_start if booked else None)


async def list_slots(session: AsyncSession, *, site_id: uuid.UUID, day: date | None = None,
                     now: datetime | None = None) -> SlotDayOut:
    """The hours of `day` (Asia/Shanghai; today by default) not yet over, with what each has left."""
    now = now or utcnow()
    site = await sites.site_brief(session, site_id=site_id)
    if site is None:
        raise errors.site_missing()
    day = day or rules.china_time(now).date()
    settings = await settings_of(session, site_id=site.id)
    hours = [h for h in rules.day_hours(day) if h + HOUR > now and h <= now + rules.BOOKING_HORIZON]
    booked = dict((await session.execute(
        select(AppointmentSlot.hour_start, AppointmentSlot.booked)
        .where(AppointmentSlot.site_id == site.id, AppointmentSlot.hour_start.in_(hours))
    )).all()) if hours else {}
    quota = settings.hourly_quota
    slots = [SlotOut(hour_start=h, hour_end=h + HOUR, quota=quota, booked=booked.get(h, 0),
                     remaining=None if quota is None else max(0, quota - booked.get(h, 0))) for h in hours]
    return SlotDayOut(site_id=site.id, site_name=site.name, date=day,
                      appointments_required=settings.appointments_required, slots=slots)
