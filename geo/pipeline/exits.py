"""Did a vehicle leave a site through a designated gate? (the e-fence violation 非指定出口驶出)

The fence is crossed somewhere on the segment from the last fix inside to the first fix outside;
we take the crossing nearest the outside fix (the last time it crossed the boundary on that segment)
and measure the distance to every designated out/both gate. Beyond the tolerance of all of them, it
left through a hole in the fence. Runs only on a site exit, so plain scalar shapely is fine here.
"""

from __future__ import annotations

from typing import Any

import shapely

from geo.pipeline.geodesy import distance_m
from geo.pipeline.world import SiteEntry


def judge_exit(entry: SiteEntry, *, inside: tuple[float, float], outside: tuple[float, float],
               tolerance_m: float) -> dict[str, Any] | None:
    """None when the way out is legal (or cannot be judged); else the event's details."""
    if not entry.judged:
        return None  # no exits configured: no judgement
    crossing = shapely.LineString([inside, outside]).intersection(entry.geometry.boundary)
    coords = shapely.get_coordinates(crossing)
    if len(coords):
        ox, oy = outside
        x, y = min(((float(cx), float(cy)) for cx, cy in coords), key=lambda c: (c[0] - ox) ** 2 + (c[1] - oy) ** 2)
    else:  # the inside fix was on the boundary itself, or the fence is degenerate
        x, y = inside
    nearest_name, nearest_m = None, None
    for gate in entry.gates:
        metres = distance_m(x, y, gate.lon, gate.lat)
        if nearest_m is None or metres < nearest_m:
            nearest_name, nearest_m = gate.name, metres
    if nearest_m is not None and nearest_m <= tolerance_m:
        return None
    return {
        "crossing_lon": round(x, 7),
        "crossing_lat": round(y, 7),
        "nearest_exit": nearest_name,
        "distance_m": None if nearest_m is None else round(nearest_m, 1),
    }
