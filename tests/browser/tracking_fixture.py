"""A hand-written LiveMap body (GET /api/{mine|regulator}/tracking/live) around the site of
tests.sites.helpers, with what a real drive rarely shows all at once: a designated gate and a
non-designated one, a checkpoint and a coverage hole, four trucks (one stale, one on a phone, one
without a waybill). The browser test serves it in place of the API to check the drawing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.sites import helpers as sh

NOW = datetime.now(UTC)
SITE_ID = "5a1c0e4e-0000-4000-8000-000000000001"


def at(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).isoformat().replace("+00:00", "Z")


def p(east_m: float, north_m: float) -> list[float]:
    lon, lat = sh.offset(sh.LON, sh.LAT, east_m=east_m, north_m=north_m)
    return [round(lon, 7), round(lat, 7)]


def box(east_m: float, north_m: float, width_m: float, height_m: float) -> dict[str, Any]:
    ring = [p(east_m, north_m), p(east_m + width_m, north_m), p(east_m + width_m, north_m + height_m),
            p(east_m, north_m + height_m), p(east_m, north_m)]
    return {"type": "Polygon", "coordinates": [ring]}


def live_map() -> dict[str, Any]:
    gate, hole = p(600, 200), p(300, 0)
    vehicles = [
        ("蒙K63388", p(1800, 150), 95, 46.0, 0.2, "jt808", "YD2026112300000001", False),
        ("蒙K55177", p(250, 250), 0, 0.0, 1, "jt808", None, False),
        ("蒙K12345", p(3200, -600), 120, 38.0, 0.5, "phone", "YD2026112300000002", False),
        ("蒙K99881", p(-900, 700), 270, 0.0, 45, "jt808", None, True),
    ]
    return {
        "sites": [{"id": SITE_ID, "name": "一号储煤场", "fence": sh.SITE_FENCE, "exits": [
            {"name": "东门", "lon": gate[0], "lat": gate[1], "designated": True, "direction": "both"},
            {"name": "南侧缺口", "lon": hole[0], "lat": hole[1], "designated": False, "direction": "out"},
        ]}],
        "zones": [
            {"id": "z1", "kind": "coverage_hole", "name": "沟谷盲区", "geometry": box(2300, -300, 700, 500)},
            {"id": "z2", "kind": "checkpoint", "name": "敖镇卡口", "geometry": box(1200, 60, 160, 120)},
        ],
        "vehicles": [{"vehicleId": f"00000000-0000-4000-8000-00000000000{i}", "plate": plate, "lon": xy[0], "lat": xy[1],
                      "speedKmh": speed, "courseDeg": course, "fixAt": at(ago), "source": source, "waybillNo": no,
                      "stale": stale}
                     for i, (plate, xy, course, speed, ago, source, no, stale) in enumerate(vehicles)],
        "bbox": [*p(-1000, -800), *p(3400, 900)],
    }
