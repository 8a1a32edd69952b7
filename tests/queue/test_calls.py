"""叫号 through the service: call the next N, deadlines (requeue once, then drop) with the driver
told each time, skip, the gate and leaving, ETA from the measured pace, and races between
dispatchers and between sweeping workers."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.notices.models import Notice, NoticeDelivery
from backend.domain.queue import service as queue
from backend.domain.queue.schemas import QueueCall, QueueCallOut, QueueTicket
from backend.errors import DomainError
from tests.queue import helpers as qh


async def _queue_of(ctx: Context, m: qh.Mine, n: int, *, user: uuid.UUID | None = None) -> list[QueueTicket]:
    user = user or await qh.driver_user(ctx)
    tickets = [qh.ticket(m.site_id, user) for _ in range(n)]
    for i, t in enumerate(tickets):
        await qh.check_in(ctx, t, now=qh.T0 + qh.minutes(i))
    return tickets


async def _call(ctx: Context, m: qh.Mine, count: int, *, now: datetime, line: str = "lump_coal") -> QueueCallOut:
    async with unit_of_work(ctx) as session:
        return await queue.call_next(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id,
                                     data=QueueCall(line=line, count=count), now=now)


async def _sweep(ctx: Context, now: datetime) -> int:
    async with unit_of_work(ctx) as session:
        return await queue.sweep_deadlines(session, ctx=ctx, now=now)


async def _sms_count(ctx: Context, notice_id: uuid.UUID) -> int:
    async with unit_of_work(ctx) as session:
        return int((await session.execute(select(func.count()).where(
            NoticeDelivery.notice_id == notice_id, NoticeDelivery.channel == "sms"))).scalar_one())


async def test_call_next_n_tells_each_driver_on_every_channel(ctx: Context) -> None:
    m = await qh.mine(ctx)
    drivers = [await qh.driver_user(ctx) for _ in range(4)]
    tickets = [qh.ticket(m.site_id, d) for d in drivers]
    for i, t in enumerate(tickets):
        await qh.check_in(ctx, t, now=qh.T0 + qh.minutes(i))
    now = qh.T0 + qh.minutes(30)
    out = await _call(ctx, m, 2, now=now)
    assert [c.order_id for c in out.called] == [t.order_id for t in tickets[:2]]
    assert all(c.call_deadline_at == now + timedelta(seconds=1200) and c.seconds_left == 1200 for c in out.called)
    first = await qh.card(ctx, tickets[0].order_id)
    assert (first.state, first.position, first.call_deadline_at) == ("called", None, now + timedelta(seconds=1200))
    assert [(await qh.card(ctx, t.order_id)).position for t in tickets[2:]] == [1, 2]
    notice = (await qh.notices_of(ctx, drivers[0]))[-1]
    assert notice.kind == "queue_called" and await _sms_count(ctx, notice.id) == 1
    assert "10:50" in notice.body_zh and "10:50" in notice.body_en  # 02:30Z + 20 min, Beijing time
    assert "测试储煤场" in notice.body_zh and tickets[0].plate in notice.body_en
    assert await qh.notices_of(ctx, drivers[3]) == []
    async with unit_of_work(ctx) as session:
        b = await queue.board(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id, line="lump_coal", now=now)
    (line,) = b.lines
    assert [w.order_id for w in line.waiting] == [t.order_id for t in tickets[2:]]
    assert [w.position for w in line.waiting] == [1, 2] and line.waiting[0].waited_minutes == 28
    assert [c.order_id for c in line.called] == [t.order_id for t in tickets[:2]]


async def test_a_missed_call_requeues_once_then_drops(ctx: Context) -> None:
    m = await qh.mine(ctx)
    user = await qh.driver_user(ctx)
    late, *others = await _queue_of(ctx, m, 3, user=user)
    called_at = qh.T0 + qh.minutes(10)
    await _call(ctx, m, 1, now=called_at)
    deadline = called_at + timedelta(seconds=1200)
    assert await _sweep(ctx, deadline) == 0  # at the deadline itself he still makes it
    assert await _sweep(ctx, deadline + timedelta(seconds=1)) == 1
    card = await qh.card(ctx, late.order_id)
    assert (card.state, card.requeues, card.position, card.call_deadline_at) == ("waiting", 1, 3, None)
    assert [n.kind for n in await qh.notices_of(ctx, user)] == ["queue_called", "queue_requeued"]
    assert await _sweep(ctx, deadline + timedelta(seconds=5)) == 0  # idempotent
    # Called again (after the two ahead of him now), missed again: dropped, told by SMS too.
    second_call = deadline + qh.minutes(1)
    out = await _call(ctx, m, 3, now=second_call)
    assert [c.order_id for c in out.called] == [*(t.order_id for t in others), late.order_id]
    assert await _sweep(ctx, second_call + timedelta(seconds=1201)) == 3
    assert (await qh.card(ctx, late.order_id)).state == "dropped"
    assert [(await qh.card(ctx, t.order_id)).state for t in others] == ["waiting", "waiting"]
    (dropped,) = [n for n in await qh.notices_of(ctx, user)
                  if n.kind == "queue_dropped" and n.data["orderId"] == str(late.order_id)]
    assert "重新签到" in dropped.body_zh and "check in again" in dropped.body_en
    assert await _sms_count(ctx, dropped.id) == 1
    async with unit_of_work(ctx) as session:
        trail = [(e.from_state, e.to_state) for e in await queue.entry_events(session, order_id=late.order_id)]
    assert trail == [(None, "waiting"), ("waiting", "called"), ("called", "waiting"), ("waiting", "called"),
                     ("called", "dropped")]
    # Checking in again is allowed, at the tail.
    again = await qh.check_in(ctx, late, now=second_call + qh.minutes(30))
    assert (again.state, again.position, again.requeues) == ("waiting", 3, 0)


async def test_two_sweepers_at_once_move_each_truck_once(ctx: Context) -> None:
    m = await qh.mine(ctx)
    tickets = await _queue_of(ctx, m, 8)
    await _call(ctx, m, 8, now=qh.T0 + qh.minutes(10))
    later = qh.T0 + qh.minutes(40)
    moved = await asyncio.gather(*(_sweep(ctx, later) for _ in range(3)))
    assert sum(moved) == 8
    assert sorted([(await qh.card(ctx, t.order_id)).position for t in tickets]) == list(range(1, 9))
    async with unit_of_work(ctx) as session:
        requeued = (await session.execute(select(func.count()).select_from(Notice)
                                          .where(Notice.kind == "queue_requeued"))).scalar_one()
    assert requeued == 8


async def test_two_dispatchers_calling_at_once_call_distinct_trucks(ctx: Context) -> None:
    m = await qh.mine(ctx)
    tickets = await _queue_of(ctx, m, 10)
    _, other = await qh.sh.backstage_member(ctx, role="dispatcher", org_id=m.org_id)
    second = qh.Mine(org_id=m.org_id, site_id=m.site_id, dispatcher=other, dispatcher_id=other.user_id)
    now = qh.T0 + qh.minutes(15)
    a, b = await asyncio.gather(_call(ctx, m, 3, now=now), _call(ctx, second, 3, now=now))
    called = [c.order_id for c in (*a.called, *b.called)]
    assert len(called) == 6 and len(set(called)) == 6
    assert set(called) == {t.order_id for t in tickets[:6]}  # the six at the head, none skipped
    assert [(await qh.card(ctx, t.order_id)).position for t in tickets[6:]] == [1, 2, 3, 4]


async def test_skip_moves_a_truck_to_the_tail_once(ctx: Context) -> None:
    m = await qh.mine(ctx)
    first, second, third = await _queue_of(ctx, m, 3)
    now = qh.T0 + qh.minutes(5)
    async with unit_of_work(ctx) as session:
        card = await queue.skip(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id, order_id=first.order_id,
                                now=now)
    assert (card.state, card.position, card.requeues) == ("waiting", 3, 1)
    assert (await qh.card(ctx, second.order_id)).position == 1
    with pytest.raises(DomainError) as again:
        async with unit_of_work(ctx) as session:
            await queue.skip(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id, order_id=first.order_id)
    assert (again.value.status, again.value.code) == (409, "queue_requeue_used")
    # A called truck can be skipped too: back to waiting, at the tail, no deadline.
    await _call(ctx, m, 1, now=now + qh.minutes(1))
    async with unit_of_work(ctx) as session:
        card = await queue.skip(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id, order_id=second.order_id,
                                now=now + qh.minutes(2))
    assert (card.state, card.position, card.called_at, card.call_deadline_at) == ("waiting", 3, None, None)
    assert [(await qh.card(ctx, t.order_id)).position for t in (third, first, second)] == [1, 2, 3]
    # Another site's dispatcher sees no such site (404), whatever the order.
    stranger = await qh.mine(ctx)
    with pytest.raises(DomainError) as hidden:
        async with unit_of_work(ctx) as session:
            await queue.skip(session, ctx=ctx, actor=stranger.dispatcher, site_id=m.site_id, order_id=third.order_id)
    assert hidden.value.status == 404


async def test_leaving_and_entering_free_the_place(ctx: Context) -> None:
    m = await qh.mine(ctx)
    a, b, c = await _queue_of(ctx, m, 3)
    async with unit_of_work(ctx) as session:
        await queue.leave(session, ctx=ctx, order_id=a.order_id, reason="cancelled")
        await queue.leave(session, ctx=ctx, order_id=uuid.uuid4(), reason="cancelled")  # never queued: no-op
        await session.commit()
    assert [(await qh.card(ctx, t.order_id)).position for t in (b, c)] == [1, 2]
    await _call(ctx, m, 1, now=qh.T0 + qh.minutes(5))
    async with unit_of_work(ctx) as session:
        await queue.mark_entered(session, ctx=ctx, order_id=b.order_id)
        await session.commit()
    async with unit_of_work(ctx) as session:
        states = [await queue.entry_state(session, order_id=t.order_id) for t in (a, b, c)]
    assert states == ["left", "served", "waiting"]
    assert (await qh.card(ctx, c.order_id)).position == 1


async def test_eta_follows_the_measured_service_pace(ctx: Context) -> None:
    m = await qh.mine(ctx)
    tickets = await _queue_of(ctx, m, 9)
    fourth = tickets[8]
    # No services yet: the 6-minute default; 8 ahead.
    assert (await qh.card(ctx, fourth.order_id, now=qh.T0 + qh.minutes(10))).eta_minutes == 48
    await _call(ctx, m, 5, now=qh.T0 + qh.minutes(10))
    for i, t in enumerate(tickets[:5]):  # one truck through the gate every 2 minutes
        async with unit_of_work(ctx) as session:
            await queue.mark_entered(session, ctx=ctx, order_id=t.order_id, now=qh.T0 + qh.minutes(12 + 2 * i))
            await session.commit()
    card = await qh.card(ctx, fourth.order_id, now=qh.T0 + qh.minutes(21))
    assert (card.ahead, card.service_interval_s, card.eta_minutes) == (3, 120, 6)
    async with unit_of_work(ctx) as session:
        b = await queue.board(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id, now=qh.T0 + qh.minutes(21))
    assert (b.lines[0].served_today, b.lines[0].service_interval_s, b.lines[0].service_interval_measured) == (5, 120, True)
