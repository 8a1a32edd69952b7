"""The site's geometry rules: fence, check-in zone and gate positions, each error naming its field."""

from __future__ import annotations

from typing import Any

from pyproj import Geod

from backend.domain.sites import errors
from geo.fences import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN, Fence, FenceError, distance_to_fence_m, parse_fence

_GEOD = Geod(ellps="WGS84")
# Trucks check in from the road before they reach the gate, but not from another town.
CHECKIN_MAX_FROM_CENTROID_M = 30_000.0
CHECKIN_MIN_AREA_M2 = 100.0
CHECKIN_MAX_AREA_M2 = 50_000_000.0
# A gate is on the fence line; 200 m allows for a gatehouse set back along the access road.
GATE_MAX_FROM_FENCE_M = 200.0


def site_fence(geojson: Any) -> Fence:
    try:
        return parse_fence(geojson)
    except FenceError as exc:
        raise errors.from_fence(exc, field="fence") from exc


def checkin_zone(geojson: Any, *, site: Fence) -> Fence:
    """Parse the zone and require all of it within 30 km of the site's centroid (geodesic)."""
    try:
        zone = parse_fence(geojson, min_area_m2=CHECKIN_MIN_AREA_M2, max_area_m2=CHECKIN_MAX_AREA_M2)
    except FenceError as exc:
        raise errors.from_fence(exc, field="checkinZone") from exc
    farthest_m = max(
        _GEOD.inv(site.centroid_lon, site.centroid_lat, lon, lat)[2]
        for polygon in _polygons(zone.geojson)
        for lon, lat in polygon[0]  # the exterior ring bounds the zone; holes lie inside it
    )
    if farthest_m > CHECKIN_MAX_FROM_CENTROID_M:
        raise errors.checkin_zone_far(farthest_m, CHECKIN_MAX_FROM_CENTROID_M)
    return zone


def _polygons(geojson: dict[str, Any]) -> list[list[list[list[float]]]]:
    coordinates = geojson["coordinates"]
    return [coordinates] if geojson["type"] == "Polygon" else list(coordinates)


def gate_position(lon: float | None, lat: float | None, *, site: Fence) -> tuple[float, float] | None:
    """None when no position is given; otherwise the position, checked against the fence."""
    if lon is None and lat is None:
        return None
    if lon is None or lat is None:
        raise errors.position_incomplete("lat" if lat is None else "lon")
    if not (LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX):
        raise errors.position_bounds(lon, lat)
    distance_m = distance_to_fence_m(site, lon=lon, lat=lat)
    if distance_m > GATE_MAX_FROM_FENCE_M:
        raise errors.gate_far_from_fence(distance_m, GATE_MAX_FROM_FENCE_M, field="lon")
    return lon, lat


def gates_still_near(site: Fence, gates: list[tuple[str, float | None, float | None]]) -> None:
    """After a fence change, every positioned gate must still be on the new fence (field "fence")."""
    for name, lon, lat in gates:
        if lon is None or lat is None:
            continue
        distance_m = distance_to_fence_m(site, lon=lon, lat=lat)
        if distance_m > GATE_MAX_FROM_FENCE_M:
            raise errors.gate_far_from_fence(distance_m, GATE_MAX_FROM_FENCE_M, field="fence", gate=name)
