"""Scenario tests on synthetic tracks through a real shapely world: sites, gates, corridors, stops, speed."""

from __future__ import annotations

from geo.pipeline.model import (
    CORRIDOR_LEAVE,
    CORRIDOR_RETURN,
    EXIT_NOT_DESIGNATED,
    LONG_STOP,
    OVERSPEED,
    SITE_ENTER,
    SITE_EXIT,
    VehicleState,
)
from geo.position import Position
from tests.geo.pipeline.scenery import T0, drive, kinds, pipeline, run, stay

SOUTH = (110.0, 38.99)  # 550 m south of the mine's south gate
CENTRE = (110.0, 39.0)


def test_enter_and_exit_once_each_through_the_gate() -> None:
    track = drive("t1", [SOUTH, CENTRE, SOUTH], start_s=T0)
    events = run(pipeline(), track)
    assert kinds(events) == [SITE_ENTER, SITE_EXIT]
    assert all(e.site_id == "mine" and e.waybill_id is None for e in events)
    assert events[0].at_s < events[1].at_s


def test_exit_through_a_hole_in_the_fence() -> None:
    track = drive("t2", [SOUTH, CENTRE, (110.0, 39.01)], start_s=T0)  # out through the north side
    events = run(pipeline(), track)
    assert kinds(events) == [SITE_ENTER, SITE_EXIT, EXIT_NOT_DESIGNATED]
    violation = events[2]
    assert violation.site_id == "mine" and violation.at_s == events[1].at_s
    assert violation.details["nearest_exit"] == "south gate"
    assert abs(violation.details["crossing_lat"] - 39.005) < 1e-6
    assert 1_050 < violation.details["distance_m"] < 1_200  # the fence is ~1.1 km tall


def test_a_way_in_only_gate_is_not_a_way_out() -> None:
    track = drive("t3", [SOUTH, CENTRE, (110.01, 39.0)], start_s=T0)  # out through the east "in" gate
    assert EXIT_NOT_DESIGNATED in kinds(run(pipeline(), track))


def test_exit_a_few_metres_beside_the_gate_is_legal() -> None:
    track = drive("t4", [SOUTH, CENTRE, (110.0004, 38.99)], start_s=T0)  # crosses ~20 m east of the gate
    assert kinds(run(pipeline(), track)) == [SITE_ENTER, SITE_EXIT]


def test_a_site_without_exits_is_not_judged() -> None:
    track = drive("t5", [(110.29, 39.0), (110.3, 39.0), (110.3, 39.01)], start_s=T0)
    events = run(pipeline(), track)
    assert kinds(events) == [SITE_ENTER, SITE_EXIT] and events[0].site_id == "plant"


def test_corridor_leave_and_return() -> None:
    route = [CENTRE, (110.08, 39.0), (110.1, 39.02), (110.12, 39.0), (110.3, 39.0)]  # a 2 km detour north
    events = run(pipeline(), drive("truck", route, start_s=T0))
    corridor = [e for e in events if e.kind in (CORRIDOR_LEAVE, CORRIDOR_RETURN)]
    assert kinds(corridor) == [CORRIDOR_LEAVE, CORRIDOR_RETURN]
    assert all(e.waybill_id == "wb-1" for e in events)
    assert 110.08 < corridor[0].lon < 110.1 and 110.1 < corridor[1].lon < 110.12
    assert events[-1].kind == SITE_ENTER and events[-1].site_id == "plant"


def test_inside_origin_or_destination_fence_counts_as_inside_the_corridor() -> None:
    # The mine's corner is ~700 m from the route's first point, beyond the 300 m corridor.
    track = drive("truck", [(110.004, 39.004), CENTRE, (110.05, 39.0)], start_s=T0)
    assert CORRIDOR_LEAVE not in kinds(run(pipeline(), track))


def test_long_stop_outside_known_places_once() -> None:
    before = drive("truck", [CENTRE, (110.05, 39.0)], start_s=T0)
    stop = stay("truck", 110.05, 39.0001, start_s=before[-1].fix_at_s + 30, for_s=3_000)  # 50 min
    events = [e for e in run(pipeline(), before + stop) if e.kind == LONG_STOP]
    assert len(events) == 1
    assert events[0].at_s - stop[0].fix_at_s == 1_800 and events[0].waybill_id == "wb-1"


def test_long_stop_inside_a_parking_zone_is_none() -> None:
    before = drive("truck", [CENTRE, (110.1, 39.0)], start_s=T0)
    stop = stay("truck", 110.1, 39.0, start_s=before[-1].fix_at_s + 30, for_s=3_000)
    assert LONG_STOP not in kinds(run(pipeline(), before + stop))


def test_long_stop_only_for_vehicles_on_a_waybill() -> None:
    stop = stay("no-waybill", 110.05, 39.0, start_s=T0, for_s=3_000)
    assert run(pipeline(), stop) == []


def test_moving_on_starts_a_new_stop() -> None:
    first = stay("truck", 110.05, 39.0, start_s=T0, for_s=1_200)  # 20 min
    second = stay("truck", 110.06, 39.0, start_s=T0 + 1_230, for_s=1_200)  # 860 m on: another 20 min
    assert LONG_STOP not in kinds(run(pipeline(), first + second))


def test_overspeed_once_per_episode() -> None:
    speeds = [90.0] * 10 + [60.0] * 3 + [90.0] * 2 + [60.0] + [95.0] * 5
    track = [Position("fast", T0 + 10 * k, 110.5, 38.5, speed_kmh=v) for k, v in enumerate(speeds)]
    events = run(pipeline(), track)
    assert kinds(events) == [OVERSPEED, OVERSPEED]
    assert events[0].at_s == T0 + 30 and events[0].details["since_s"] == T0
    assert events[1].details["since_s"] == T0 + 160 and events[1].at_s == T0 + 190


def test_late_and_archive_fixes_never_raise_enter_or_exit() -> None:
    p = pipeline()
    states: dict[str, VehicleState] = {}
    track = drive("t1", [SOUTH, CENTRE, SOUTH], start_s=T0)
    assert kinds(run(p, track, states)) == [SITE_ENTER, SITE_EXIT]
    inside = [Position("t1", T0 + 5 + 10 * k, 110.0, 39.0 + k * 1e-4, archive=k % 2 == 0) for k in range(10)]
    result = p.process(inside, states, now_s=T0 + 3_600)
    assert result.events == [] and len(result.kept) == 10
    # A re-upload newer than the last live fix, inside the mine, still raises nothing.
    newer = [Position("t1", track[-1].fix_at_s + 60, 110.0, 39.0, archive=True)]
    assert p.process(newer, states, now_s=T0 + 3_600).events == []
    assert states["t1"].sites == [] and states["t1"].last_fix_at_s == track[-1].fix_at_s
