"""Stored positions beyond the round trip of test_storage: a fix repeated inside one batch, batches
larger than one INSERT, the valid-only track and its bounds, the newest fix of each vehicle, and the
track a waybill page draws (simplified for display, its ends kept)."""

from __future__ import annotations

import uuid

from backend.context import Context
from backend.domain.tracking import positions
from backend.domain.waybills.views import SIMPLIFY_TOLERANCE_M
from geo.position import Position
from geo.track import simplify_track
from tests.sites import helpers as sh

T0 = 1_790_000_000.0  # 2026-09-21 UTC


def _fix(vehicle: str, t: float, lon: float = 107.5, lat: float = 38.2, *, valid: bool = True,
         speed_kmh: float = 40.0) -> Position:
    return Position(vehicle_id=vehicle, fix_at_s=t, lon=lon, lat=lat, valid=valid, speed_kmh=speed_kmh,
                    received_at_s=t + 1)


async def _store(ctx: Context, batch: list[Position]) -> None:
    async with ctx.sessions() as session:
        await positions.insert_positions(session, positions=batch, now_s=T0)
        await session.commit()


async def test_a_fix_repeated_inside_one_batch_is_stored_once_the_first_time(ctx: Context) -> None:
    v = str(uuid.uuid4())
    # The terminal re-sent a fix before its ack arrived: both copies land in one stream batch.
    await _store(ctx, [_fix(v, T0, lon=107.5), _fix(v, T0 + 10), _fix(v, T0, lon=107.9)])
    async with ctx.sessions() as session:
        assert await positions.count(session, vehicle_id=uuid.UUID(v)) == 2
        track = await positions.track(session, vehicle_id=uuid.UUID(v), start=positions.at(T0),
                                      end=positions.at(T0 + 10))
    assert [(p.fix_at_s, p.lon) for p in track] == [(T0, 107.5), (T0 + 10, 107.5)]


async def test_a_batch_larger_than_one_insert_is_stored_whole_and_replayed_harmlessly(ctx: Context) -> None:
    v, w = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [_fix(v, T0 + i) for i in range(1_050)] + [_fix(w, T0 + i) for i in range(100)]  # two INSERTs
    await _store(ctx, batch)
    await _store(ctx, batch[1_000:])  # a replay of its second INSERT's rows
    async with ctx.sessions() as session:
        assert (await positions.count(session, vehicle_id=uuid.UUID(v)),
                await positions.count(session, vehicle_id=uuid.UUID(w)),
                await positions.count(session)) == (1_050, 100, 1_150)


async def test_the_track_is_inclusive_oldest_first_and_skips_invalid_fixes(ctx: Context) -> None:
    v, other = str(uuid.uuid4()), str(uuid.uuid4())
    await _store(ctx, [_fix(v, T0 + 30), _fix(v, T0), _fix(v, T0 + 20, valid=False), _fix(v, T0 + 10),
                       _fix(v, T0 + 40), _fix(other, T0 + 10)])
    async with ctx.sessions() as session:
        start, end = positions.at(T0 + 10), positions.at(T0 + 30)
        valid = await positions.track(session, vehicle_id=uuid.UUID(v), start=start, end=end)
        every = await positions.track(session, vehicle_id=uuid.UUID(v), start=start, end=end, valid_only=False)
    assert [p.fix_at_s for p in valid] == [T0 + 10, T0 + 30]
    assert [(p.fix_at_s, p.valid) for p in every] == [(T0 + 10, True), (T0 + 20, False), (T0 + 30, True)]
    assert {p.vehicle_id for p in every} == {v}


async def test_the_newest_fix_of_each_vehicle_within_the_window(ctx: Context) -> None:
    v, w, old = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    await _store(ctx, [_fix(v, T0, lon=107.1), _fix(v, T0 + 60, lon=107.2), _fix(v, T0 + 30, lon=107.3),
                       _fix(w, T0 + 5, lon=107.4), _fix(old, T0 - 86_400)])
    async with ctx.sessions() as session:
        every = {p.vehicle_id: (p.fix_at_s, p.lon) for p in await positions.newest_per_vehicle(session)}
        recent = {p.vehicle_id: p.fix_at_s
                  for p in await positions.newest_per_vehicle(session, since=positions.at(T0 - 60))}
    assert every == {v: (T0 + 60, 107.2), w: (T0 + 5, 107.4), old: (T0 - 86_400, 107.5)}
    assert recent == {v: T0 + 60, w: T0 + 5}


async def test_a_stored_track_is_drawn_simplified_with_its_corner_and_ends(ctx: Context) -> None:
    v = str(uuid.uuid4())
    corner = sh.offset(sh.LON, sh.LAT, east_m=3_000.0)
    out = [sh.offset(sh.LON, sh.LAT, east_m=30.0 * i, north_m=3.0 * (i % 2)) for i in range(101)]  # 3 m jitter
    up = [sh.offset(*corner, north_m=30.0 * i, east_m=-3.0 * (i % 2)) for i in range(1, 101)]
    points = out + up
    await _store(ctx, [_fix(v, T0 + 10 * i, lon=lon, lat=lat) for i, (lon, lat) in enumerate(points)])
    async with ctx.sessions() as session:
        track = await positions.track(session, vehicle_id=uuid.UUID(v), start=positions.at(T0),
                                      end=positions.at(T0 + 10 * len(points)))
    line = simplify_track([(p.lon, p.lat) for p in track], tolerance_m=SIMPLIFY_TOLERANCE_M)
    coords = line["coordinates"]
    assert line["type"] == "LineString" and len(track) == 201 and len(coords) == 3, coords
    assert coords[0] == [round(points[0][0], 7), round(points[0][1], 7)]
    assert coords[-1] == [round(points[-1][0], 7), round(points[-1][1], 7)]
    assert abs(coords[1][0] - corner[0]) < 1e-4 and abs(coords[1][1] - corner[1]) < 1e-4
    # No fix yet draws nothing; one fix a dot (GeoJSON needs two positions).
    assert simplify_track([], tolerance_m=10.0)["coordinates"] == []
    assert simplify_track([points[0]], tolerance_m=10.0)["coordinates"] == [list(points[0])] * 2
