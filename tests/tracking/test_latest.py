"""The latest position of each vehicle in Redis (what live maps read): it moves only forward, to the
newest valid fix of a batch whatever its order, and a rebuild from SQL neither loses a vehicle nor
moves one back behind what Redis already holds."""

from __future__ import annotations

import uuid

from backend.context import Context
from backend.domain.tracking import latest, positions
from geo.position import Position

T0 = 1_790_000_000.0


def _fix(vehicle: str, t: float, lon: float = 107.5, *, valid: bool = True, archive: bool = False) -> Position:
    return Position(vehicle_id=vehicle, fix_at_s=t, lon=lon, lat=38.2, valid=valid, archive=archive,
                    received_at_s=t + 1)


async def test_a_batch_moves_each_vehicle_to_its_newest_valid_fix_whatever_the_order(ctx: Context) -> None:
    v, w = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [_fix(v, T0 + 30, 107.3), _fix(w, T0, 107.0), _fix(v, T0 + 90, 107.9, valid=False),
             _fix(v, T0 + 60, 107.6), _fix(v, T0 + 10, 107.1)]
    assert await latest.update(ctx.redis, positions=batch) == 2
    got = await latest.get_many(ctx.redis)
    assert {k: (p.fix_at_s, p.lon) for k, p in got.items()} == {v: (T0 + 60, 107.6), w: (T0, 107.0)}


async def test_an_equal_or_older_fix_never_replaces_the_latest(ctx: Context) -> None:
    v = str(uuid.uuid4())
    assert await latest.update(ctx.redis, positions=[_fix(v, T0 + 60, 107.6)]) == 1
    # The same fix time again (a re-sent frame with other figures), an older blind-area fix, an invalid one.
    assert await latest.update(ctx.redis, positions=[_fix(v, T0 + 60, 107.0)]) == 0
    assert await latest.update(ctx.redis, positions=[_fix(v, T0, 106.0, archive=True)]) == 0
    assert await latest.update(ctx.redis, positions=[_fix(v, T0 + 120, 1.0, valid=False)]) == 0
    assert await latest.update(ctx.redis, positions=[]) == 0
    assert (await latest.get_many(ctx.redis, vehicle_ids=[v]))[v].lon == 107.6
    assert await latest.update(ctx.redis, positions=[_fix(v, T0 + 61, 107.7)]) == 1
    assert (await latest.get_many(ctx.redis, vehicle_ids=[v]))[v].fix_at_s == T0 + 61


async def test_reading_some_vehicles_skips_those_without_a_fix(ctx: Context) -> None:
    v, unknown = str(uuid.uuid4()), str(uuid.uuid4())
    await latest.update(ctx.redis, positions=[_fix(v, T0)])
    assert await latest.get_many(ctx.redis, vehicle_ids=[]) == {}
    assert list(await latest.get_many(ctx.redis, vehicle_ids=[unknown, v])) == [v]


async def test_a_rebuild_refills_from_sql_but_never_moves_a_vehicle_back(ctx: Context) -> None:
    v, w = str(uuid.uuid4()), str(uuid.uuid4())
    async with ctx.sessions() as session:
        await positions.insert_positions(session, positions=[_fix(v, T0, 107.1), _fix(v, T0 + 30, 107.2),
                                                             _fix(w, T0 + 10, 107.3)], now_s=T0)
        await session.commit()
    # Redis lost w entirely; it holds a newer fix of v than SQL (its batch not yet committed there).
    await latest.update(ctx.redis, positions=[_fix(v, T0 + 90, 107.9)])
    async with ctx.sessions() as session:
        assert await latest.rebuild(ctx.redis, session, now=positions.at(T0 + 100)) == 1
    got = await latest.get_many(ctx.redis)
    assert {k: (p.fix_at_s, p.lon) for k, p in got.items()} == {v: (T0 + 90, 107.9), w: (T0 + 10, 107.3)}
    # After a flush of Redis the same rebuild gives SQL's newest of each.
    await ctx.redis.delete(latest.LATEST_KEY, latest.LATEST_TIME_KEY)
    async with ctx.sessions() as session:
        assert await latest.rebuild(ctx.redis, session, now=positions.at(T0 + 100)) == 2
    got = await latest.get_many(ctx.redis)
    assert {k: (p.fix_at_s, p.lon) for k, p in got.items()} == {v: (T0 + 30, 107.2), w: (T0 + 10, 107.3)}
