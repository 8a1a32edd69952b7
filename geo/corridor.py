"""Route corridors: a waybill's planned route (or the straight line origin → destination) buffered
by its width on each side, as a lon/lat polygon the pipeline tests fixes against.

The buffer is taken in metres (UTM, see geo.track) and brought back to lon/lat, so a 500 m corridor
is 500 m wide whatever the latitude. Polygons are cached by (route, width): the worker rebuilds its
pipeline whenever a waybill opens or closes, and the other few thousand corridors are unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import msgspec
import shapely
from shapely.geometry import LineString, shape
from shapely.geometry.base import BaseGeometry

from geo.track import projection_for

if TYPE_CHECKING:  # geo.pipeline imports this module; at run time only the attributes are read
    from geo.pipeline.model import Corridor

_ENCODE = msgspec.json.encode
# Buffer arcs: 4 segments per quarter circle is plenty for a corridor tens of metres wide.
_QUAD_SEGS = 4
# Edges longer than this are cut before leaving the metric projection: a straight 370 km edge in
# UTM, brought back to lon/lat by its two ends only, would bow ~2.4 km off the road it follows.
_MAX_EDGE_M = 1_000.0


def straight_route(origin: tuple[float, float], destination: tuple[float, float]) -> dict[str, Any]:
    """The corridor's route when no route was planned: a GeoJSON LineString from origin to destination."""
    return {"type": "LineString", "coordinates": [list(origin), list(destination)]}


def route_line(corridor: Corridor, *, origin: tuple[float, float] | None = None,
               destination: tuple[float, float] | None = None) -> LineString:
    """The route as a LineString; falls back to origin → destination when the route is missing."""
    route = corridor.route
    if route and route.get("type") == "LineString" and len(route.get("coordinates") or ()) >= 2:
        return LineString([(float(c[0]), float(c[1])) for c in route["coordinates"]])
    if origin is None or destination is None:
        raise ValueError(f"corridor of waybill {corridor.waybill_id} has no route and no origin/destination")
    return LineString([origin, destination])


def corridor_polygon(corridor: Corridor, *, origin: tuple[float, float] | None = None,
                     destination: tuple[float, float] | None = None) -> BaseGeometry:
    """The corridor as a prepared lon/lat polygon: the route buffered by `width_m` on each side."""
    line = route_line(corridor, origin=origin, destination=destination)
    return _buffered(_ENCODE(list(line.coords)), float(corridor.width_m))


@lru_cache(maxsize=16_384)
def _buffered(coords_json: bytes, width_m: float) -> BaseGeometry:
    line = LineString(msgspec.json.decode(coords_json))
    projection = projection_for(line)
    polygon = projection.to_metric(line).buffer(width_m, quad_segs=_QUAD_SEGS)
    result = projection.to_lonlat(shapely.segmentize(polygon, _MAX_EDGE_M))
    shapely.prepare(result)  # tested against every fix of the vehicle
    return result


def buffer_m(geometry: BaseGeometry, distance_m: float) -> BaseGeometry:
    """Any lon/lat geometry grown by `distance_m` (used for the margin around coverage holes)."""
    if distance_m <= 0:
        return geometry
    projection = projection_for(geometry)
    grown = projection.to_metric(geometry).buffer(distance_m, quad_segs=_QUAD_SEGS)
    return projection.to_lonlat(shapely.segmentize(grown, _MAX_EDGE_M))


def geometry_of(geojson: dict[str, Any]) -> BaseGeometry:
    """A GeoJSON geometry as shapely, repaired if a drawing tool left it invalid."""
    geometry = shape(geojson)
    return geometry if geometry.is_valid else shapely.make_valid(geometry)
