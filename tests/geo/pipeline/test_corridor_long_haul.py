"""A long straight corridor stays centred on the line it buffers, also far from its ends."""

from __future__ import annotations

from pyproj import Geod
from shapely.geometry import Point

from geo.corridor import corridor_polygon, straight_route
from geo.pipeline.model import Corridor

GEOD = Geod(ellps="WGS84")
MINE, PLANT = (107.5003, 38.2001), (111.24, 39.86)  # the demo haul: ~370 km across two UTM zones


def test_the_middle_of_a_370_km_corridor_is_where_the_geodesic_is() -> None:
    corridor = corridor_polygon(Corridor(waybill_id="w", vehicle_id="v", route=straight_route(MINE, PLANT),
                                         width_m=1_000.0))
    az, _, length_m = GEOD.inv(*MINE, *PLANT)
    for fraction in (0.25, 0.5, 0.75):
        lon, lat, _ = GEOD.fwd(*MINE, az, length_m * fraction)
        assert corridor.contains(Point(lon, lat)), fraction
        # 1.5 km to either side is outside a corridor 1 km wide on each side.
        for side in (-90, 90):
            off_lon, off_lat, _ = GEOD.fwd(lon, lat, az + side, 1_500.0)
            assert not corridor.contains(Point(off_lon, off_lat)), (fraction, side)
