"""Electronic fences (电子围栏): parse GeoJSON polygons, test containment, measure distance.

Pure: shapely for planar topology, pyproj for geodesic metres. Coordinates are WGS-84
[lon, lat] throughout, as RFC 7946 requires.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.polygon import orient
from shapely.ops import nearest_points
from shapely.validation import explain_validity

_GEOD = Geod(ellps="WGS84")
# A generous WGS-84 box around China: catches [lat, lon] swapped, the commonest mistake.
LON_MIN, LON_MAX = 73.0, 135.5
LAT_MIN, LAT_MAX = 3.0, 54.0
# 7 decimals of a degree is about 1 cm: more is noise from the drawing tool.
_DECIMALS = 7

Position = list[float]
Ring = list[Position]


class FenceError(ValueError):
    """Same shape as backend.checks.errors.CheckFailed; geo must not import backend."""

    code: str
    message_zh: str
    message_en: str

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en

    def __reduce__(self) -> tuple[type[FenceError], tuple[str, str, str]]:
        # ValueError pickles only `args`; keep all three fields across process boundaries.
        return (type(self), (self.code, self.message_zh, self.message_en))


@dataclass(frozen=True)
class Fence:
    geometry: Polygon | MultiPolygon
    area_m2: float
    centroid_lon: float
    centroid_lat: float
    geojson: dict[str, Any]


def _coordinates_error(detail_zh: str, detail_en: str) -> FenceError:
    return FenceError(
        "fence_coordinates", f"围栏坐标格式错误：{detail_zh}", f"Bad fence coordinates: {detail_en}"
    )


def _geometry_of(geojson: object) -> dict[str, Any]:
    if isinstance(geojson, dict) and geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        raise FenceError(
            "fence_type",
            "围栏必须是 GeoJSON Polygon 或 MultiPolygon（或其 Feature）",
            "A fence must be a GeoJSON Polygon or MultiPolygon geometry, or a Feature of one",
        )
    return geojson


def _position(raw: object) -> Position:
    if not isinstance(raw, list | tuple) or len(raw) not in (2, 3):
        raise _coordinates_error("每个点应为 [经度, 纬度]", "each position must be [lon, lat]")
    numbers: list[float] = []
    for item in raw[:2]:  # a third number (altitude) is legal GeoJSON and ignored
        if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
            raise _coordinates_error("坐标必须是有限数值", "coordinates must be finite numbers")
        numbers.append(float(item))
    return numbers


def _ring(raw: object) -> Ring:
    if not isinstance(raw, list | tuple):
        raise _coordinates_error("线环必须是点的数组", "a ring must be an array of positions")
    ring = [_position(p) for p in raw]
    if len(ring) < 4:
        raise _coordinates_error(
            f"每个线环至少 4 个点（首尾相同），实际 {len(ring)} 个",
            f"a ring needs at least 4 positions (first = last), got {len(ring)}",
        )
    if ring[0] != ring[-1]:
        raise FenceError(
            "fence_not_closed",
            "围栏线环未闭合：最后一个点必须与第一个点相同",
            "A fence ring is not closed: its last position must equal its first",
        )
    for lon, lat in ring:
        if not (LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX):
            raise FenceError(
                "fence_bounds",
                f"坐标 [{lon}, {lat}] 不在中国范围内；坐标顺序应为 [经度, 纬度]",
                f"Position [{lon}, {lat}] is outside China; coordinates must be [lon, lat], not [lat, lon]",
            )
    return [[round(lon, _DECIMALS), round(lat, _DECIMALS)] for lon, lat in ring]


def _polygon(raw: object) -> Polygon:
    if not isinstance(raw, list | tuple) or not raw:
        raise _coordinates_error("多边形必须是线环数组", "a polygon must be a non-empty array of rings")
    rings = [_ring(r) for r in raw]
    polygon = Polygon(rings[0], rings[1:])
    if not polygon.is_valid:
        raise _invalid(polygon)
    return orient(polygon, sign=1.0)  # RFC 7946: exterior counter-clockwise, holes clockwise


def _invalid(geometry: Polygon | MultiPolygon) -> FenceError:
    return FenceError(
        "fence_self_intersection",
        "围栏多边形自相交或无效（边线交叉、重叠）",
        f"The fence polygon is invalid: {explain_validity(geometry)}",
    )


def _to_geojson(geometry: Polygon | MultiPolygon) -> dict[str, Any]:
    def rings(polygon: Polygon) -> list[Ring]:
        all_rings = [polygon.exterior, *polygon.interiors]
        return [[[x, y] for x, y in ring.coords] for ring in all_rings]

    if isinstance(geometry, Polygon):
        return {"type": "Polygon", "coordinates": rings(geometry)}
    return {"type": "MultiPolygon", "coordinates": [rings(p) for p in geometry.geoms]}


def parse_fence(geojson: object, *, min_area_m2: float = 100.0, max_area_m2: float = 100_000_000.0) -> Fence:
    """Validate a GeoJSON fence and return it normalised; raises FenceError."""
    geometry_dict = _geometry_of(geojson)
    coordinates = geometry_dict.get("coordinates")
    geometry: Polygon | MultiPolygon
    if geometry_dict["type"] == "Polygon":
        geometry = _polygon(coordinates)
    else:
        if not isinstance(coordinates, list | tuple) or not coordinates:
            raise _coordinates_error(
                "MultiPolygon 必须是多边形数组", "a MultiPolygon must be an array of polygons"
            )
        geometry = MultiPolygon([_polygon(part) for part in coordinates])
        if not geometry.is_valid:  # parts may be valid alone yet overlap each other
            raise _invalid(geometry)
    # Signed geodesic area is positive for counter-clockwise exteriors, which orient() ensured.
    area_m2, _perimeter_m = _GEOD.geometry_area_perimeter(geometry)
    area_m2 = abs(area_m2)
    if not min_area_m2 <= area_m2 <= max_area_m2:
        raise FenceError(
            "fence_area",
            f"围栏面积 {area_m2:,.0f} m² 超出允许范围 {min_area_m2:,.0f}–{max_area_m2:,.0f} m²",
            f"Fence area {area_m2:,.0f} m² is outside the allowed {min_area_m2:,.0f}-{max_area_m2:,.0f} m²",
        )
    # A planar centroid in degrees is fine at fence scale (at most ~10 km across).
    centroid = geometry.centroid
    # Fences are tested against every GPS fix; a prepared geometry makes covers() much cheaper.
    shapely.prepare(geometry)
    return Fence(
        geometry=geometry,
        area_m2=area_m2,
        centroid_lon=float(centroid.x),
        centroid_lat=float(centroid.y),
        geojson=_to_geojson(geometry),
    )


def fence_contains(fence: Fence, *, lon: float, lat: float) -> bool:
    """True if the point is inside the fence or on its boundary."""
    return bool(fence.geometry.covers(Point(lon, lat)))


def distance_to_fence_m(fence: Fence, *, lon: float, lat: float) -> float:
    """0 inside; otherwise geodesic metres to the nearest boundary point ("3.2 km from the zone").

    The nearest point is found in degree space, which slightly favours north-south neighbours at
    high latitude; the error is small at fence scale and the distance itself is geodesic.
    """
    point = Point(lon, lat)
    if fence.geometry.covers(point):
        return 0.0
    nearest, _ = nearest_points(fence.geometry, point)
    _az12, _az21, distance_m = _GEOD.inv(lon, lat, nearest.x, nearest.y)
    return float(distance_m)
