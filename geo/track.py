"""Track analysis: geodesic length, Douglas–Peucker simplification for display, and the metric
projection both corridors and simplification work in.

Pure: pyproj and shapely. Coordinates are WGS-84 (lon, lat) pairs. Metric work happens in the UTM
zone of the geometry's centre: at the scale of a haul (a few hundred km) its scale error stays below
0.1 %, and the two transformers per zone are built once and cached (building one costs milliseconds).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

_GEOD = Geod(ellps="WGS84")
G = TypeVar("G", bound=BaseGeometry)


@lru_cache(maxsize=64)
def _utm(zone: int, north: bool) -> tuple[Transformer, Transformer]:
    epsg = (32600 if north else 32700) + zone
    forward = Transformer.from_crs("EPSG:4326", f"EPSG:{epsg}", always_xy=True)
    inverse = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
    return forward, inverse


class MetricProjection:
    """lon/lat ↔ metres in the UTM zone around (lon, lat)."""

    def __init__(self, lon: float, lat: float) -> None:
        zone = min(max(int((lon + 180.0) // 6.0) + 1, 1), 60)
        self._forward, self._inverse = _utm(zone, lat >= 0.0)

    def to_metric(self, geometry: G) -> G:
        return shapely.transform(geometry, self._forward.transform, interleaved=False)

    def to_lonlat(self, geometry: G) -> G:
        return shapely.transform(geometry, self._inverse.transform, interleaved=False)

    def xy_m(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self._forward.transform(lon, lat)
        return float(x), float(y)


def projection_for(geometry: BaseGeometry) -> MetricProjection:
    # The bounding box centre, not the centroid: cheap, and defined for every geometry type.
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return MetricProjection((min_lon + max_lon) / 2.0, (min_lat + max_lat) / 2.0)


def track_length_m(points: Sequence[tuple[float, float]]) -> float:
    """The geodesic length of a track (sum of WGS-84 geodesics between consecutive fixes)."""
    if len(points) < 2:
        return 0.0
    coords = np.asarray(points, dtype=float)
    return float(_GEOD.line_length(coords[:, 0], coords[:, 1]))


def simplify_track(points: Sequence[tuple[float, float]], *, tolerance_m: float) -> dict[str, Any]:
    """Douglas–Peucker in metres, for drawing: a GeoJSON LineString (first and last fix kept).

    One fix gives a degenerate two-position line (GeoJSON needs two); none gives no coordinates.
    """
    if not points:
        return {"type": "LineString", "coordinates": []}
    if len(points) == 1:
        lon, lat = points[0]
        return {"type": "LineString", "coordinates": [[lon, lat], [lon, lat]]}
    line = shapely.LineString(points)
    projection = projection_for(line)
    simple = shapely.simplify(projection.to_metric(line), tolerance_m, preserve_topology=False)
    back = projection.to_lonlat(simple)
    coords = [[round(float(x), 7), round(float(y), 7)] for x, y in shapely.get_coordinates(back)]
    return {"type": "LineString", "coordinates": coords}
