"""The Redis mirror: 50 drivers checking in at once get 50 distinct places; restarting the platform
(Redis wiped, rebuilt from SQL) loses no entry and no one's place; a crash between COMMIT and the
Redis write is repaired; a late, stale write never wins."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.queue import jobs as queue_jobs
from backend.domain.queue import mirror
from backend.domain.queue import service as queue
from backend.domain.queue.schemas import QueueCall
from tests.queue import helpers as qh


async def _zset(ctx: Context, m: qh.Mine, line: str = "lump_coal") -> list[str]:
    return [member.decode() for member in await ctx.redis.zrange(mirror.zset_key(ctx, m.site_id, line), 0, -1)]


async def _wipe(ctx: Context) -> int:
    """Only the queue's keys: the Redis database may be shared with other suites."""
    keys = [k async for k in ctx.redis.scan_iter(match=f"{mirror.prefix(ctx)}:q*")]
    return int(await ctx.redis.delete(*keys)) if keys else 0


async def test_fifty_concurrent_check_ins_get_places_one_to_fifty(ctx: Context) -> None:
    m = await qh.mine(ctx)
    user = await qh.driver_user(ctx)
    tickets = [qh.ticket(m.site_id, user) for _ in range(50)]
    await asyncio.wait_for(asyncio.gather(*(qh.check_in(ctx, t) for t in tickets)), timeout=120)
    cards = [await qh.card(ctx, t.order_id) for t in tickets]
    assert sorted(c.position for c in cards if c.position is not None) == list(range(1, 51))
    # Redis and SQL agree on the order: the board (SQL) lists the zset (ZRANK) order.
    async with unit_of_work(ctx) as session:
        board = await queue.board(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id, line="lump_coal")
    assert [str(w.order_id) for w in board.lines[0].waiting] == await _zset(ctx, m)
    by_card = sorted(cards, key=lambda c: c.position or 0)
    assert [c.order_id for c in by_card] == [w.order_id for w in board.lines[0].waiting]


async def test_a_restart_loses_no_entry_and_no_place(ctx: Context) -> None:
    m = await qh.mine(ctx)
    user = await qh.driver_user(ctx)
    tickets = [qh.ticket(m.site_id, user, nev=(i == 3)) for i in range(5)]
    for i, t in enumerate(tickets):
        await qh.check_in(ctx, t, now=qh.T0 + qh.minutes(i))
    before = {t.order_id: (await qh.card(ctx, t.order_id)).position for t in tickets}
    order_before = await _zset(ctx, m)
    assert before[tickets[3].order_id] == 1 and sorted(before.values()) == [1, 2, 3, 4, 5]
    assert await _wipe(ctx) > 0
    assert await _zset(ctx, m) == []
    assert await queue.rebuild(ctx) == 5
    assert await _zset(ctx, m) == order_before
    assert {t.order_id: (await qh.card(ctx, t.order_id)).position for t in tickets} == before
    # And the rebuilt mirror keeps working: a call moves everyone up.
    async with unit_of_work(ctx) as session:
        await queue.call_next(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id,
                              data=QueueCall(line="lump_coal", count=1))
    assert (await qh.card(ctx, tickets[0].order_id)).position == 1


async def test_a_crash_between_commit_and_redis_is_repaired(ctx: Context) -> None:
    m = await qh.mine(ctx)
    user = await qh.driver_user(ctx)
    first, second = qh.ticket(m.site_id, user), qh.ticket(m.site_id, user)
    await qh.check_in(ctx, first)
    async with ctx.sessions() as session:
        await queue.check_in(session, ctx=ctx, ticket=second, lon=qh.INSIDE[0], lat=qh.INSIDE[1])
        # The COMMIT lands, but the process dies before the unit's follow-ups (the mirror) run:
        # the plain AsyncSession commit skips them, and closing the session forgets them.
        await AsyncSession.commit(session)
    assert await _zset(ctx, m) == [str(first.order_id)]
    assert (await qh.card(ctx, second.order_id)).position == 2  # SQL answers while Redis lags
    await queue_jobs.resync_mirror(ctx)  # the worker's resync job re-applies recent changes
    assert await _zset(ctx, m) == [str(first.order_id), str(second.order_id)]


async def test_a_stale_write_never_overrides_a_newer_one(ctx: Context) -> None:
    m = await qh.mine(ctx)
    t = qh.ticket(m.site_id, await qh.driver_user(ctx))
    await qh.check_in(ctx, t, now=qh.T0)
    key = mirror.zset_key(ctx, m.site_id, "lump_coal")
    async with unit_of_work(ctx) as session:
        await queue.call_next(session, ctx=ctx, actor=m.dispatcher, site_id=m.site_id,
                              data=QueueCall(line="lump_coal", count=1), now=qh.T0 + qh.minutes(1))
    assert await ctx.redis.zscore(key, str(t.order_id)) is None
    # A slow process now delivers the check-in (version 1) it read before the call (version 2).
    stale = mirror._Row(t.order_id, m.site_id, "lump_coal", "waiting", 10**13 + 1, 1)
    assert await mirror._apply(ctx, [stale]) == 0
    assert await ctx.redis.zscore(key, str(t.order_id)) is None
    assert await mirror.sync_orders(ctx, [t.order_id]) == 0  # the committed state is already there
