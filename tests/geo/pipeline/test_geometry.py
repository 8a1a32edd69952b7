"""Corridors, track length and simplification, the silence measure."""

from __future__ import annotations

import shapely

from geo.corridor import corridor_polygon, straight_route
from geo.pipeline.geodesy import distance_m, longest_silence_s
from geo.pipeline.model import Corridor
from geo.track import simplify_track, track_length_m

ROUTE = {"type": "LineString", "coordinates": [[110.0, 39.0], [110.3, 39.0], [110.3, 39.2]]}


def test_corridor_is_width_m_each_side() -> None:
    polygon = corridor_polygon(Corridor("wb", "v", ROUTE, 300.0))
    north = 39.0 + 290.0 / 111_000.0  # about 290 m north of the first leg
    assert shapely.contains_xy(polygon, 110.15, north)
    assert not shapely.contains_xy(polygon, 110.15, 39.0 + 320.0 / 111_000.0)
    assert shapely.contains_xy(polygon, 110.3, 39.1)  # along the second leg


def test_straight_corridor_when_no_route() -> None:
    corridor = Corridor("wb", "v", {}, 100.0)
    polygon = corridor_polygon(corridor, origin=(110.0, 39.0), destination=(110.1, 39.0))
    assert shapely.contains_xy(polygon, 110.05, 39.0005)  # ~55 m off the straight line
    assert not shapely.contains_xy(polygon, 110.05, 39.002)  # ~220 m off
    assert straight_route((110.0, 39.0), (110.1, 39.0))["coordinates"] == [[110.0, 39.0], [110.1, 39.0]]


def test_track_length_is_geodesic() -> None:
    assert track_length_m([]) == 0.0 and track_length_m([(110.0, 39.0)]) == 0.0
    one_degree_lat = track_length_m([(110.0, 39.0), (110.0, 40.0)])
    assert abs(one_degree_lat - 111_050.0) < 150.0  # WGS-84 meridian degree at 39.5° N
    assert abs(distance_m(110.0, 39.0, 110.0, 40.0) - one_degree_lat) < 0.005 * one_degree_lat


def test_simplify_keeps_shape_and_ends() -> None:
    # A straight road sampled every ~9 m with 2 m of jitter, then a right-angle turn.
    points = [(110.0 + k * 1e-4, 39.0 + (2e-5 if k % 2 else 0.0)) for k in range(100)]
    points += [(110.0099, 39.0 + k * 1e-4) for k in range(1, 50)]
    line = simplify_track(points, tolerance_m=10.0)
    coords = line["coordinates"]
    assert line["type"] == "LineString" and 3 <= len(coords) <= 5
    assert coords[0] == [110.0, 39.0] and coords[-1] == [110.0099, 39.0049]
    assert len(simplify_track(points, tolerance_m=0.5)["coordinates"]) > 50
    assert simplify_track([(110.0, 39.0)], tolerance_m=5)["coordinates"] == [[110.0, 39.0], [110.0, 39.0]]


def test_longest_silence() -> None:
    assert longest_silence_s(0.0, 100.0, []) == 100.0
    assert longest_silence_s(0.0, 100.0, [10.0, 60.0, 200.0]) == 50.0
    assert longest_silence_s(0.0, 100.0, [-5.0, 0.0, 95.0]) == 95.0
