"""The simulated drive: fixes spaced by speed × period along the route, stops in place, the ends kept."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pyproj import Geod

from devices.sim.route import RouteDrive, Stop

GEOD = Geod(ellps="WGS84")
START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
# About 8.6 km east then 11 km north near the demo mine.
ROUTE = [[107.50, 38.20], [107.60, 38.20], [107.60, 38.30]]


def test_fixes_are_spaced_by_speed_and_period_and_end_at_the_route_end() -> None:
    drive = RouteDrive(ROUTE, speed_kmh=72.0, period_s=10.0)
    fixes = list(drive.fixes(start=START))
    pairs = list(zip(fixes, fixes[1:], strict=False))
    assert all(b.distance_m - a.distance_m == pytest.approx(200.0) for a, b in pairs[:-1])  # 72 km/h = 20 m/s
    corner_m = GEOD.inv(107.50, 38.20, 107.60, 38.20)[2]
    straight = [GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2] for a, b in pairs if b.distance_m <= corner_m]
    assert straight and all(g == pytest.approx(200.0, abs=0.5) for g in straight)
    assert (fixes[-1].lon, fixes[-1].lat) == pytest.approx((107.60, 38.30))
    assert fixes[-1].speed_kmh == 0.0
    assert all((b.at - a.at).total_seconds() == 10.0 for a, b in zip(fixes, fixes[1:], strict=False))
    assert fixes[0].course_deg == 90 and fixes[-2].course_deg == 0


def test_a_stop_reports_speed_zero_in_place_for_its_duration() -> None:
    drive = RouteDrive(ROUTE, speed_kmh=36.0, period_s=10.0, stops=[Stop(at_m=1_000.0, duration_s=60.0)])
    fixes = list(drive.fixes(start=START, until_m=2_000.0))
    standing = [f for f in fixes if f.speed_kmh == 0.0 and f.distance_m == 1_000.0]
    assert len(standing) == 6
    assert len({(f.lon, f.lat) for f in standing}) == 1
    assert fixes[-1].distance_m == pytest.approx(2_000.0)


def test_a_route_needs_two_points_and_a_positive_speed() -> None:
    with pytest.raises(ValueError):
        RouteDrive([[107.5, 38.2]], speed_kmh=50)
    with pytest.raises(ValueError):
        RouteDrive(ROUTE, speed_kmh=0)
