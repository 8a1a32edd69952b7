"""预约: hourly quotas hold under concurrency (30 bookings at once against 5 places: exactly 5),
a site that requires appointments admits check-ins only within the booked hour (± 15 minutes)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.queue import service as queue
from backend.domain.queue.schemas import AppointmentOut, QueueTicket
from backend.errors import DomainError
from tests.queue import helpers as qh

HOUR = qh.T0 + timedelta(hours=2)  # 12:00-13:00 Beijing time


async def _book(ctx: Context, t: QueueTicket, hour: datetime, *, now: datetime = qh.T0) -> AppointmentOut:
    async with unit_of_work(ctx) as session:
        out = await queue.book_slot(session, ctx=ctx, ticket=t, hour_start=hour, now=now)
        await session.commit()
    return out


async def _slots(ctx: Context, m: qh.Mine) -> dict[datetime, int | None]:
    async with unit_of_work(ctx) as session:
        day = await queue.list_slots(session, site_id=m.site_id, day=HOUR.date(), now=qh.T0)
    return {s.hour_start: s.remaining for s in day.slots}


async def test_thirty_bookings_at_once_fill_a_quota_of_five_exactly(ctx: Context) -> None:
    m = await qh.mine(ctx)
    await qh.settings(ctx, m, hourly_quota=5)
    user = await qh.driver_user(ctx)
    tickets = [qh.ticket(m.site_id, user) for _ in range(30)]

    async def attempt(t: QueueTicket) -> str:
        try:
            await _book(ctx, t, HOUR)
        except DomainError as exc:
            assert (exc.status, exc.code, exc.field) == (409, "slot_full", "hourStart"), exc
            return exc.code
        return "booked"

    outcomes = await asyncio.wait_for(asyncio.gather(*(attempt(t) for t in tickets)), timeout=120)
    assert outcomes.count("booked") == 5 and outcomes.count("slot_full") == 25
    slots = await _slots(ctx, m)
    assert slots[HOUR] == 0 and slots[HOUR + timedelta(hours=1)] == 5


async def test_rebooking_moves_the_place_and_leaving_gives_it_back(ctx: Context) -> None:
    m = await qh.mine(ctx)
    await qh.settings(ctx, m, hourly_quota=2)
    user = await qh.driver_user(ctx)
    a, b, c = (qh.ticket(m.site_id, user) for _ in range(3))
    await _book(ctx, a, HOUR)
    same = await _book(ctx, a, HOUR)  # the same hour again: nothing changes
    assert (same.state, same.hour_end) == ("booked", HOUR + timedelta(hours=1))
    await _book(ctx, b, HOUR)
    with pytest.raises(DomainError) as full:
        await _book(ctx, c, HOUR)
    assert "12:00" in full.value.message_en and "12:00" in full.value.message_zh
    await _book(ctx, a, HOUR + timedelta(hours=1))  # a moves to the next hour: a place frees up
    await _book(ctx, c, HOUR)
    assert (await _slots(ctx, m))[HOUR] == 0
    async with unit_of_work(ctx) as session:
        await queue.leave(session, ctx=ctx, order_id=b.order_id, reason="cancelled")
        await session.commit()
    assert (await _slots(ctx, m))[HOUR] == 1
    for bad in (HOUR + timedelta(minutes=30), qh.T0 - timedelta(hours=2), qh.T0 + timedelta(days=8)):
        with pytest.raises(DomainError) as invalid:
            await _book(ctx, qh.ticket(m.site_id, user), bad)
        assert (invalid.value.status, invalid.value.code, invalid.value.field) == (422, "slot_hour_invalid", "hourStart")


async def test_a_site_requiring_appointments_admits_only_the_booked_hour(ctx: Context) -> None:
    m = await qh.mine(ctx)
    await qh.settings(ctx, m, appointments_required=True, hourly_quota=10)
    user = await qh.driver_user(ctx)
    t = qh.ticket(m.site_id, user)
    with pytest.raises(DomainError) as none:
        await qh.check_in(ctx, t, now=qh.T0)
    assert (none.value.status, none.value.code) == (409, "appointment_required")
    await _book(ctx, t, HOUR)
    with pytest.raises(DomainError) as early:
        await qh.check_in(ctx, t, now=HOUR - timedelta(minutes=16))
    assert early.value.code == "appointment_not_now" and "12:00" in early.value.message_zh
    card = await qh.check_in(ctx, t, now=HOUR - timedelta(minutes=14))
    assert (card.state, card.position) == ("waiting", 1)
    late = qh.ticket(m.site_id, user)
    await _book(ctx, late, HOUR)
    with pytest.raises(DomainError) as too_late:
        await qh.check_in(ctx, late, now=HOUR + timedelta(minutes=76))
    assert too_late.value.code == "appointment_not_now"
    assert (await qh.check_in(ctx, late, now=HOUR + timedelta(minutes=74))).position == 2
