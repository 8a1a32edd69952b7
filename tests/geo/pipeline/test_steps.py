"""The cleaning steps one by one: validate, de-duplicate, filter (future, past, jump, min period)."""

from __future__ import annotations

import math

from geo.pipeline.model import VehicleState
from geo.position import Position
from geo.protocols.jt808 import Location, decode_message
from tests.geo.jt808.conftest import VECTORS, wire_of
from tests.geo.pipeline.scenery import T0, pipeline


def fix(t: float, lon: float = 110.5, lat: float = 38.5, vehicle_id: str = "v", **fields: object) -> Position:
    return Position(vehicle_id, t, lon, lat, **fields)  # type: ignore[arg-type]


def test_validate_reasons() -> None:
    p = pipeline()
    batch = [fix(T0), fix(T0 + 10, valid=False), fix(T0 + 20, 0.0, 0.0), fix(T0 + 30, 38.5, 110.5),
             fix(T0 + 40, math.nan, 38.5), fix(T0 + 50, 200.0, 38.5), fix(T0 + 60, -110.5, 38.5), fix(T0 + 70)]
    result = p.process(batch, {}, now_s=T0 + 100)
    assert [x.fix_at_s for x in result.kept] == [T0, T0 + 70]
    assert result.dropped == {"invalid": 1, "zero": 1, "out_of_range": 4, "future": 0, "past": 0,
                              "duplicate": 0, "jump": 0, "too_frequent": 0}


def test_service_box_is_configurable() -> None:
    p = pipeline(service_lon_min=-180.0, service_lat_min=-90.0)
    result = p.process([fix(T0, -0.12, 51.5)], {}, now_s=T0)  # London, outside the default box
    assert len(result.kept) == 1


def test_the_2019_vector_with_lat_lon_swapped_is_refused() -> None:
    vector = next(v for v in VECTORS if v["expect"].get("msg_id") == "0x0200" and v["expect"].get("lat", 0) > 90)
    location = decode_message(wire_of(vector)).payload
    assert isinstance(location, Location) and location.lat_deg > 90  # decoded faithfully, swapped
    position = Position("v", location.time.timestamp(), location.lon_deg, location.lat_deg,
                        speed_kmh=location.speed_kmh, valid=True)  # even a "valid" flag does not save it
    result = pipeline().process([position], {}, now_s=location.time.timestamp())
    assert result.kept == [] and result.dropped["out_of_range"] == 1


def test_duplicates_in_batch_and_against_the_last_fix() -> None:
    p = pipeline()
    states: dict[str, VehicleState] = {}
    first = p.process([fix(T0), fix(T0 + 10), fix(T0 + 10)], states, now_s=T0 + 20)
    assert len(first.kept) == 2 and first.dropped["duplicate"] == 1
    again = p.process([fix(T0 + 10), fix(T0 + 20)], states, now_s=T0 + 30)  # a resent 0x0200
    assert [x.fix_at_s for x in again.kept] == [T0 + 20] and again.dropped["duplicate"] == 1


def test_future_and_past() -> None:
    p = pipeline(future_s=300.0, past_s=3_600.0, archive_past_s=86_400.0)
    batch = [fix(T0 + 301, vehicle_id="a"), fix(T0 + 299, vehicle_id="b"), fix(T0 - 3_601, vehicle_id="c"),
             fix(T0 - 3_601, vehicle_id="d", archive=True), fix(T0 - 86_401, vehicle_id="e", archive=True)]
    result = p.process(batch, {}, now_s=T0)
    assert sorted(x.vehicle_id for x in result.kept) == ["b", "d"]
    assert result.dropped["future"] == 1 and result.dropped["past"] == 2


def test_jump_is_dropped_and_the_next_fix_compares_with_the_kept_one() -> None:
    p = pipeline(max_speed_kmh=160.0)
    states: dict[str, VehicleState] = {}
    # 0.01° lon ≈ 865 m in 10 s = 311 km/h: a jump; the fix after it is 100 m from the last kept one.
    batch = [fix(T0, 110.5), fix(T0 + 10, 110.51), fix(T0 + 20, 110.5011), fix(T0 + 30, 110.5022)]
    result = p.process(batch, states, now_s=T0 + 40)
    assert [x.fix_at_s for x in result.kept] == [T0, T0 + 20, T0 + 30] and result.dropped["jump"] == 1
    # Across batches: the state's last fix is the reference.
    later = p.process([fix(T0 + 40, 110.6), fix(T0 + 50, 110.5033)], states, now_s=T0 + 60)
    assert [x.fix_at_s for x in later.kept] == [T0 + 50] and later.dropped["jump"] == 1


def test_min_period() -> None:
    p = pipeline(min_period_s=5.0)
    states: dict[str, VehicleState] = {}
    result = p.process([fix(T0), fix(T0 + 2), fix(T0 + 4), fix(T0 + 6)], states, now_s=T0 + 10)
    assert [x.fix_at_s for x in result.kept] == [T0, T0 + 6] and result.dropped["too_frequent"] == 2
    result = p.process([fix(T0 + 9)], states, now_s=T0 + 10)
    assert result.kept == [] and result.dropped["too_frequent"] == 1


def test_kept_is_in_fix_time_order_per_vehicle_with_late_fixes_kept() -> None:
    p = pipeline()
    states: dict[str, VehicleState] = {}
    p.process([fix(T0 + 100, vehicle_id="b"), fix(T0 + 100, vehicle_id="a")], states, now_s=T0 + 200)
    batch = [fix(T0 + 130, vehicle_id="b"), fix(T0 + 110, vehicle_id="a"), fix(T0 + 50, vehicle_id="a", archive=True),
             fix(T0 + 60, vehicle_id="a"), fix(T0 + 120, vehicle_id="b")]
    result = p.process(batch, states, now_s=T0 + 200)
    assert [(x.vehicle_id, x.fix_at_s - T0) for x in result.kept] == [
        ("a", 50), ("a", 60), ("a", 110), ("b", 120), ("b", 130)]
    assert states["a"].last_fix_at_s == T0 + 110  # late fixes never move it back


def test_a_bad_first_fix_is_outvoted_by_fixes_that_agree() -> None:
    p = pipeline(jump_reset_fixes=3)
    states: dict[str, VehicleState] = {}
    assert len(p.process([fix(T0, 111.0)], states, now_s=T0).kept) == 1  # 43 km off: nothing to tell yet
    track = [fix(T0 + 10 * k, 110.5 + 1e-4 * k) for k in range(1, 6)]
    first = p.process(track[:2], states, now_s=T0 + 100)
    assert first.kept == [] and first.dropped["jump"] == 2 and states["v"].jumps_in_row == 2
    rest = p.process(track[2:], states, now_s=T0 + 100)  # the run goes on across batches
    assert [x.fix_at_s for x in rest.kept] == [T0 + 30, T0 + 40, T0 + 50] and states["v"].last_lon == track[-1].lon
    # A lone jump after that is still just a jump.
    assert p.process([fix(T0 + 60, 111.0), fix(T0 + 70, 110.5006)], states, now_s=T0 + 100).dropped["jump"] == 1


def test_tag_overlapping_fences_boundary_and_zones() -> None:
    from geo.pipeline.model import Site, World
    from tests.geo.pipeline.scenery import MINE, PARKING, square

    stockyard = Site(id="a-yard", name="堆场", fence=square(110.004, 39.0, 0.002))  # overlaps the mine's east edge
    p = pipeline(World(sites=(MINE, stockyard), zones=(PARKING,)))
    states: dict[str, VehicleState] = {}
    on_edge = p.process([fix(T0, 110.005, 39.0)], states, now_s=T0)  # on the mine's boundary: inside
    assert states["v"].sites == ["a-yard", "mine"]
    assert [(e.kind, e.site_id) for e in on_edge.events] == [("site_enter", "a-yard"), ("site_enter", "mine")]
    p.process([fix(T0 + 600, 110.1, 39.0)], states, now_s=T0 + 600)  # 8.6 km in 10 min
    assert states["v"].sites == [] and states["v"].zones == ["park"]
