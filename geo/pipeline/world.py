"""The world as the pipeline needs it, built once per World: one STRtree over every site fence and
zone, each vehicle's corridor polygon, the designated gates of each site, the coverage holes grown
by their margin. Read-only afterwards, so one index serves every batch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from geo.corridor import buffer_m, corridor_polygon, geometry_of
from geo.pipeline.model import (
    ZONE_CHECKPOINT,
    ZONE_COVERAGE_HOLE,
    ZONE_PARKING,
    Corridor,
    Settings,
    Site,
    World,
)

KNOWN_PLACES = (ZONE_CHECKPOINT, ZONE_PARKING)  # stopping there is no long_stop


@dataclass(frozen=True)
class Gate:
    lon: float
    lat: float
    name: str


@dataclass(frozen=True)
class SiteEntry:
    site: Site
    geometry: BaseGeometry
    gates: tuple[Gate, ...]  # designated, direction out or both: the legal ways out
    judged: bool  # the site has exits configured, so a way out can be judged at all


class WorldIndex:
    def __init__(self, world: World, settings: Settings) -> None:
        geometries: list[BaseGeometry] = []
        self.geometry_site: list[bool] = []  # per tree item: a site fence (else a zone)
        self.geometry_id: list[str] = []
        self.sites: dict[str, SiteEntry] = {}
        for site in world.sites:
            geometry = geometry_of(site.fence)
            gates = tuple(Gate(e.lon, e.lat, e.name) for e in site.exits
                          if e.designated and e.direction in ("out", "both"))
            self.sites[site.id] = SiteEntry(site, geometry, gates, judged=bool(site.exits))
            geometries.append(geometry)
            self.geometry_site.append(True)
            self.geometry_id.append(site.id)
        holes: list[BaseGeometry] = []
        self.known_places: frozenset[str] = frozenset(z.id for z in world.zones if z.kind in KNOWN_PLACES)
        for zone in world.zones:
            geometry = geometry_of(zone.geometry)
            geometries.append(geometry)
            self.geometry_site.append(False)
            self.geometry_id.append(zone.id)
            if zone.kind == ZONE_COVERAGE_HOLE:
                holes.append(buffer_m(geometry, settings.hole_margin_m))
        shapely.prepare(geometries)
        self.tree = STRtree(geometries)
        self.holes: BaseGeometry | None = shapely.union_all(holes) if holes else None
        if self.holes is not None:
            shapely.prepare(self.holes)
        self.corridors: dict[str, tuple[int, Corridor]] = {}
        polygons: list[BaseGeometry] = []
        for corridor in world.corridors:
            polygons.append(corridor_polygon(corridor, origin=self._centre(corridor.origin_site_id),
                                             destination=self._centre(corridor.destination_site_id)))
            self.corridors[corridor.vehicle_id] = (len(polygons) - 1, corridor)
        self.corridor_geometries: npt.NDArray[np.object_] = np.empty(len(polygons), dtype=object)
        self.corridor_geometries[:] = polygons

    def _centre(self, site_id: str | None) -> tuple[float, float] | None:
        entry = self.sites.get(site_id) if site_id else None
        if entry is None:
            return None
        point = entry.geometry.representative_point()  # inside the fence, unlike a centroid
        return (point.x, point.y)

    def near_hole(self, lon: float, lat: float) -> bool:
        """In a coverage hole or within the margin of one."""
        return self.holes is not None and bool(shapely.contains_xy(self.holes, lon, lat))

    def crosses_hole(self, lon1: float, lat1: float, lon2: float, lat2: float) -> bool:
        if self.holes is None:
            return False
        return bool(self.holes.intersects(shapely.LineString([(lon1, lat1), (lon2, lat2)])))
