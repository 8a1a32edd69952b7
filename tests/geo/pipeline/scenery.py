"""A small synthetic world near Ordos and trucks driving through it, for the pipeline tests.

Metres to degrees at 39° N: 1e-3° of latitude ≈ 111 m, 1e-3° of longitude ≈ 86 m.
"""

from __future__ import annotations

from typing import Any

from geo.pipeline import Pipeline
from geo.pipeline.geodesy import distance_m
from geo.pipeline.model import (
    ZONE_COVERAGE_HOLE,
    ZONE_PARKING,
    Corridor,
    Event,
    Exit,
    Settings,
    Site,
    VehicleState,
    World,
    Zone,
)
from geo.position import Position

T0 = 1_800_000_000.0  # a fixed "now" in 2027; fixes are around it


def square(lon: float, lat: float, half_deg: float) -> dict[str, Any]:
    x0, x1, y0, y1 = lon - half_deg, lon + half_deg, lat - half_deg, lat + half_deg
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


MINE = Site(id="mine", name="示范煤矿", fence=square(110.0, 39.0, 0.005),
            exits=(Exit(lon=110.0, lat=38.995, name="south gate"),
                   Exit(lon=110.005, lat=39.0, name="east way in", direction="in")))
PLANT = Site(id="plant", name="电厂", fence=square(110.3, 39.0, 0.005))  # no exits: never judged
PARKING = Zone(id="park", kind=ZONE_PARKING, name="服务区", geometry=square(110.1, 39.0, 0.002))
HOLE = Zone(id="hole", kind=ZONE_COVERAGE_HOLE, name="盲区", geometry=square(110.2, 39.0, 0.003))
ROUTE = {"type": "LineString", "coordinates": [[110.0, 39.0], [110.3, 39.0]]}
CORRIDOR = Corridor(waybill_id="wb-1", vehicle_id="truck", route=ROUTE, width_m=300.0,
                    origin_site_id="mine", destination_site_id="plant")
WORLD = World(sites=(MINE, PLANT), zones=(PARKING, HOLE), corridors=(CORRIDOR,))
SETTINGS = Settings()


def pipeline(world: World = WORLD, **settings: Any) -> Pipeline:
    return Pipeline(world, Settings(**settings) if settings else SETTINGS)


def drive(vehicle_id: str, waypoints: list[tuple[float, float]], *, start_s: float, every_s: float = 10.0,
          speed_kmh: float = 36.0, **fields: Any) -> list[Position]:
    """Fixes every `every_s` along the polyline at a steady speed, the first at the first waypoint."""
    step_m = speed_kmh / 3.6 * every_s
    out: list[Position] = []
    t = start_s
    for (lon1, lat1), (lon2, lat2) in zip(waypoints, waypoints[1:], strict=False):
        length_m = distance_m(lon1, lat1, lon2, lat2)
        steps = max(1, round(length_m / step_m))
        for k in range(steps):
            f = k / steps
            out.append(Position(vehicle_id, t, lon1 + (lon2 - lon1) * f, lat1 + (lat2 - lat1) * f,
                                speed_kmh=speed_kmh, received_at_s=t + 1.0, **fields))
            t += every_s
    lon, lat = waypoints[-1]
    out.append(Position(vehicle_id, t, lon, lat, speed_kmh=speed_kmh, received_at_s=t + 1.0, **fields))
    return out


def stay(vehicle_id: str, lon: float, lat: float, *, start_s: float, for_s: float, every_s: float = 30.0,
         speed_kmh: float = 0.0) -> list[Position]:
    n = int(for_s // every_s) + 1
    return [Position(vehicle_id, start_s + k * every_s, lon, lat, speed_kmh=speed_kmh) for k in range(n)]


def run(p: Pipeline, positions: list[Position], states: dict[str, VehicleState] | None = None,
        now_s: float | None = None) -> list[Event]:
    states = {} if states is None else states
    now = max(x.fix_at_s for x in positions) + 1.0 if now_s is None else now_s
    return p.process(positions, states, now_s=now).events


def kinds(events: list[Event]) -> list[str]:
    return [e.kind for e in events]
