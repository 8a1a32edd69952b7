"""GPS storage on the real backend: batch insert (duplicates ignored, monthly partitions on
PostgreSQL), the forward-only latest position in Redis, track queries simplified for display."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.tracking import latest, positions
from geo.position import Position
from geo.track import simplify_track

T0 = 1_790_000_000.0  # 2026-09-21 UTC


def _fix(vehicle: str, t: float, lon: float = 107.5, lat: float = 38.2, **kw: object) -> Position:
    return Position(vehicle_id=vehicle, fix_at_s=t, lon=lon, lat=lat, received_at_s=t + 1, **kw)  # type: ignore[arg-type]


async def test_round_trip_ignores_duplicates_and_lands_in_partitions(ctx: Context) -> None:
    v = str(uuid.uuid4())
    month_later = T0 + 40 * 86_400
    batch = [_fix(v, T0 + i * 10, lon=107.5 + i * 0.001, speed_kmh=42.5, course_deg=90, altitude_m=1300, alarm=4,
                  status=3, mileage_m=12_300) for i in range(5)] + [_fix(v, month_later)]
    async with unit_of_work(ctx) as session:
        await positions.insert_positions(session, positions=batch, now_s=T0)
        await session.commit()
    async with unit_of_work(ctx) as session:  # the same batch again, and one repeat inside a new one
        await positions.insert_positions(session, positions=batch + [_fix(v, T0 + 50)], now_s=T0)
        await session.commit()
    async with unit_of_work(ctx) as session:
        assert await positions.count(session, vehicle_id=uuid.UUID(v)) == 7
        track = await positions.track(session, vehicle_id=uuid.UUID(v), start=positions.at(T0),
                                      end=positions.at(T0 + 100))
        assert [p.fix_at_s for p in track] == [T0 + i * 10 for i in range(6)]
        first = track[0]
        assert (first.speed_kmh, first.course_deg, first.altitude_m, first.alarm, first.status, first.mileage_m,
                first.received_at_s) == (42.5, 90, 1300, 4, 3, 12_300, T0 + 1)
        if session.get_bind().dialect.name == "postgresql":
            partitioned = (await session.execute(text(
                "SELECT count(*) FROM pg_partitioned_table WHERE partrelid = 'gps_positions'::regclass"))).scalar_one()
            assert partitioned == 1
            where = dict((await session.execute(text(
                "SELECT tableoid::regclass::text, count(*) FROM gps_positions GROUP BY 1"))).all())
            assert where == {"gps_positions_y2026m09": 6, "gps_positions_y2026m10": 1}, where


async def test_latest_only_moves_forward_and_rebuilds_from_sql(ctx: Context) -> None:
    v, w = str(uuid.uuid4()), str(uuid.uuid4())
    assert await latest.update(ctx.redis, positions=[_fix(v, T0 + 60, lon=107.6), _fix(w, T0)]) == 2
    # A late blind-area fix and an invalid one never move the truck back.
    assert await latest.update(ctx.redis, positions=[_fix(v, T0, lon=107.1, archive=True),
                                                     _fix(v, T0 + 120, lon=1.0, valid=False)]) == 0
    got = await latest.get_many(ctx.redis, vehicle_ids=[v, w])
    assert got[v].fix_at_s == T0 + 60 and got[v].lon == 107.6 and got[w].fix_at_s == T0
    async with unit_of_work(ctx) as session:
        await positions.insert_positions(session, positions=[_fix(v, T0 + 30), _fix(v, T0 + 90, lon=107.7),
                                                             _fix(w, T0 - 3 * 86_400)], now_s=T0)
        await session.commit()
    await ctx.redis.delete(latest.LATEST_KEY, latest.LATEST_TIME_KEY)
    async with unit_of_work(ctx) as session:  # w's only stored fix is older than the two days read back
        assert await latest.rebuild(ctx.redis, session, now=positions.at(T0 + 120)) == 1
    rebuilt = await latest.get_many(ctx.redis)
    assert rebuilt[v].lon == 107.7 and w not in rebuilt


async def test_a_long_straight_track_simplifies_to_its_ends() -> None:
    points = [(107.5 + i * 0.0005, 38.2 + i * 0.0005) for i in range(200)]
    line = simplify_track(points, tolerance_m=10.0)
    assert line["type"] == "LineString" and len(line["coordinates"]) == 2
    bent = points + [(107.6, 38.2)]
    assert len(simplify_track(bent, tolerance_m=10.0)["coordinates"]) == 3
