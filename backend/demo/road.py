"""The demo road of `make run`: from the demo mine's weighbridge out through its designated 北门 gate
and on to the power plant, with the regulators' zones along it (a checkpoint, a coverage hole, a
service area), and the timeline of one round trip of a demo truck on it.

The waybill's corridor is the straight line from the mine's centroid to the contract's destination,
buffered in UTM metres (geo.corridor). The road is laid out in that same projection, so it keeps
within ~300 m of the line whatever the distance: it weaves gently (≤ 250 m) like a real road, and
the corridor (1,000 m each side) never sees it leave. Shared by the seed (the zones) and
backend/demo/fleet.py (the drive); pure geometry, no database.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import shapely
from shapely.geometry.base import BaseGeometry

from devices.sim.jt808_terminal import Fix
from devices.sim.route import RouteDrive, RouteFix, Stop
from geo.corridor import corridor_polygon, straight_route
from geo.fences import parse_fence
from geo.pipeline.model import Corridor
from geo.track import MetricProjection

# The demo contract's destination (backend/demo/chain.py) and the plant's yard around it.
PLANT = (111.24, 39.86)
# Inside the demo mine (backend/demo/seed.py MINE_SITE): from the 1号 weighbridge by the east gate across
# the yard to the designated 北门 (107.5000, 38.2021), and ~120 m beyond it onto the access road.
YARD = [[107.5030, 38.1996], [107.5000, 38.2004], [107.5000, 38.2021], [107.5000, 38.2032]]
ROAD_STEP_M = 2_000.0
WEAVE_M = 250.0  # the road's largest distance from the corridor's line
WEAVE_WAVELENGTH_M = 30_000.0
JOIN_M = 1_500.0  # where along the line the access road joins the highway
CORRIDOR_M = 1_000.0  # a waybill's corridor without a planned route (waybills.opening)
# Along the line from the mine's centroid (km): the zones, and where trucks stop.
CHECKPOINT_KM, HOLE_KM, PARKING_KM = 10.0, (36.0, 50.0), 100.0
CHECKPOINT_STOP_S, PARKING_STOP_S, UNLOAD_S = 60.0, 20 * 60.0, 10 * 60.0


@dataclass(frozen=True)
class Pace:
    """How fast the demo trucks go, and how often they report (env: tests speed the yard up)."""

    yard_kmh: float = 15.0
    road_kmh: float = 65.0
    period_s: int = 10

    @classmethod
    def from_env(cls) -> Pace:
        env = os.environ
        return cls(float(env.get("MEITONG_DEMO_YARD_KMH") or 15.0), float(env.get("MEITONG_DEMO_ROAD_KMH") or 65.0),
                   max(1, int(float(env.get("MEITONG_DEMO_FIX_PERIOD_S") or 10))))

    @property
    def idle_report_s(self) -> float:
        return min(30.0, 3.0 * self.period_s)  # parked: a fix now and then keeps the map (and the site's state) right


def origin_of(mine_fence: dict[str, Any]) -> tuple[float, float]:
    """The mine's centroid as the sites service stores it (the corridor starts there)."""
    fence = parse_fence(mine_fence)
    return fence.centroid_lon, fence.centroid_lat


class Line:
    """The line origin → destination as the waybill's corridor (geo.corridor) draws it.

    Along-distances and offsets are metres in the corridor's UTM projection; the centre at each
    along-distance is the middle of the corridor polygon's cross-section there, so the road follows
    the corridor the GPS pipeline tests against, however geo.corridor shapes it over a long haul.
    """

    def __init__(self, origin: tuple[float, float], destination: tuple[float, float]) -> None:
        self.proj = MetricProjection((origin[0] + destination[0]) / 2.0, (origin[1] + destination[1]) / 2.0)
        self.x0, self.y0 = self.proj.xy_m(*origin)
        x1, y1 = self.proj.xy_m(*destination)
        self.length_m = math.hypot(x1 - self.x0, y1 - self.y0)
        self.ux, self.uy = (x1 - self.x0) / self.length_m, (y1 - self.y0) / self.length_m
        self.corridor = corridor_polygon(Corridor(waybill_id="demo", vehicle_id="demo",
                                                  route=straight_route(origin, destination), width_m=CORRIDOR_M))

    def _lonlat(self, x: float, y: float) -> tuple[float, float]:
        point = self.proj.to_lonlat(shapely.Point(x, y))
        return float(point.x), float(point.y)

    def _centre_xy(self, along_m: float) -> tuple[float, float]:
        x, y = self.x0 + self.ux * along_m, self.y0 + self.uy * along_m
        cut = shapely.LineString([self._lonlat(x - self.uy * k, y + self.ux * k) for k in range(-6_000, 6_001, 200)])
        middle = self.corridor.intersection(cut)
        if middle.is_empty:
            return x, y
        return self.proj.xy_m(middle.centroid.x, middle.centroid.y)

    def lonlat(self, along_m: float, across_m: float = 0.0) -> list[float]:
        """The point `along_m` from the origin and `across_m` to the left of the corridor's centre."""
        x, y = self._centre_xy(along_m)
        lon, lat = self._lonlat(x - self.uy * across_m, y + self.ux * across_m)
        return [round(lon, 7), round(lat, 7)]

    def box(self, from_m: float, to_m: float, half_width_m: float) -> dict[str, Any]:
        ring = [self.lonlat(from_m, -half_width_m), self.lonlat(to_m, -half_width_m),
                self.lonlat(to_m, half_width_m), self.lonlat(from_m, half_width_m)]
        return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _weave(along_m: float, length_m: float) -> float:
    taper = min(1.0, (along_m - JOIN_M) / 3_000.0, (length_m - along_m) / 3_000.0)
    return WEAVE_M * max(0.0, taper) * math.sin(2 * math.pi * (along_m - JOIN_M) / WEAVE_WAVELENGTH_M)


def road(line: Line) -> list[list[float]]:
    """Yard → 北门 → access road → highway → the plant's centre, as [lon, lat] points."""
    points = [list(p) for p in YARD]
    along = JOIN_M
    while along < line.length_m:
        points.append(line.lonlat(along, _weave(along, line.length_m)))
        along += ROAD_STEP_M
    points.append(line.lonlat(line.length_m))
    return points


ZoneKind = Literal["checkpoint", "coverage_hole", "parking"]


def zones(line: Line) -> list[tuple[ZoneKind, str, dict[str, Any]]]:
    """(kind, name, GeoJSON) of the demo's checkpoint, coverage hole and service area."""
    c, (h0, h1), p = CHECKPOINT_KM * 1000, (HOLE_KM[0] * 1000, HOLE_KM[1] * 1000), PARKING_KM * 1000
    return [
        ("checkpoint", "示范卡口（距矿 10 公里）", line.box(c - 150, c + 150, 400)),
        ("coverage_hole", "沟谷信号盲区（距矿 36–50 公里）", line.box(h0, h1, 3_000)),
        ("parking", "示范服务区（距矿 100 公里）", line.box(p - 250, p + 250, 400)),
    ]


def _legs(line: Line, *, yard_kmh: float, road_kmh: float, period_s: float) -> list[RouteDrive]:
    path = road(line)
    yard, highway = path[: len(YARD)], path[len(YARD) - 1:]
    join_m = RouteDrive(highway[:2], road_kmh).length_m  # the access road, up to JOIN_M along the line
    stops = [Stop(join_m + km * 1000 - JOIN_M, stop_s) for km, stop_s in ((CHECKPOINT_KM, CHECKPOINT_STOP_S),
                                                                        (PARKING_KM, PARKING_STOP_S))]
    return [
        RouteDrive(yard, yard_kmh, period_s),
        RouteDrive(highway, road_kmh, period_s, stops=[s for s in stops if s.at_m < line.length_m]),
        RouteDrive(highway[::-1], road_kmh, period_s, stops=[Stop(1.0, UNLOAD_S)]),  # unloading, then back empty
        RouteDrive(yard[::-1], yard_kmh, period_s),
    ]


def round_trip(line: Line, *, start: datetime, yard_kmh: float, road_kmh: float, period_s: float) -> list[RouteFix]:
    """Every fix of one trip, from the weighbridge to the plant and back, one per `period_s`."""
    fixes: list[RouteFix] = []
    at = start
    for leg in _legs(line, yard_kmh=yard_kmh, road_kmh=road_kmh, period_s=period_s):
        leg_fixes = list(leg.fixes(start=at))
        fixes.extend(leg_fixes if not fixes else leg_fixes[1:])  # a leg starts where the last one stopped
        at = fixes[-1].at
    return fixes


def yard_duration_s(*, yard_kmh: float) -> float:
    """How long a truck takes from the weighbridge to the 北门 gate (a waybill's departure)."""
    return RouteDrive(YARD, yard_kmh).length_m / (yard_kmh / 3.6)


def first_at_or_after(fixes: Sequence[RouteFix], at: datetime) -> int:
    lo, hi = 0, len(fixes)
    while lo < hi:
        mid = (lo + hi) // 2
        if fixes[mid].at < at:
            lo = mid + 1
        else:
            hi = mid
    return lo


def crossings(fixes: Sequence[RouteFix], fences: Sequence[BaseGeometry]) -> set[datetime]:
    """The times of the fixes where the trip enters or leaves one of `fences` (prepared polygons)."""
    places = [tuple(fence.contains(shapely.Point(f.lon, f.lat)) for fence in fences) for f in fixes]
    return {f.at for f, before, now in zip(fixes[1:], places, places[1:], strict=False) if before != now}


def terminal_fix(f: RouteFix) -> Fix:
    """A timeline fix as the terminal reports it."""
    return Fix(f.lon, f.lat, f.at, speed_kmh=f.speed_kmh, course_deg=f.course_deg)
