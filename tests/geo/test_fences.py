from __future__ import annotations

import math
import pickle
from typing import Any

import pytest
from shapely.geometry import Polygon

from geo.fences import Fence, FenceError, distance_to_fence_m, fence_contains, parse_fence

# A coal-yard sized site near Ordos: about 500 m east-west by 400 m north-south.
WEST, SOUTH = 109.78, 39.61
EAST = WEST + 500 / (111_320 * math.cos(math.radians(SOUTH)))
NORTH = SOUTH + 400 / 111_000
# Given clockwise on purpose: parse_fence must re-orient it counter-clockwise (RFC 7946).
SITE_CW = [[WEST, SOUTH], [WEST, NORTH], [EAST, NORTH], [EAST, SOUTH], [WEST, SOUTH]]
MID_LAT = (SOUTH + NORTH) / 2
ONE_KM_LON = 1_000 / (111_320 * math.cos(math.radians(MID_LAT)))


def polygon(*rings: Any) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


def square(lon: float, lat: float, side_deg: float) -> list[list[float]]:
    return [
        [lon, lat],
        [lon + side_deg, lat],
        [lon + side_deg, lat + side_deg],
        [lon, lat + side_deg],
        [lon, lat],
    ]


def code_of(geojson: object, **kwargs: float) -> str:
    with pytest.raises(FenceError) as info:
        parse_fence(geojson, **kwargs)
    assert info.value.message_zh and info.value.message_en
    return info.value.code


@pytest.fixture
def site() -> Fence:
    return parse_fence(polygon(SITE_CW))


def test_site_area_and_centroid(site: Fence) -> None:
    assert 190_000 < site.area_m2 < 210_000
    assert site.centroid_lon == pytest.approx((WEST + EAST) / 2)
    assert site.centroid_lat == pytest.approx(MID_LAT)
    assert isinstance(site.geometry, Polygon)


def test_normalised_geojson_is_ccw_and_rounded(site: Fence) -> None:
    ring = site.geojson["coordinates"][0]
    assert site.geojson["type"] == "Polygon"
    assert Polygon(ring).exterior.is_ccw
    assert ring[0] == ring[-1]
    assert all(round(value, 7) == value for position in ring for value in position)
    assert all(isinstance(position, list) for position in ring)


def test_feature_and_tuples_and_altitude_are_accepted() -> None:
    ring = [(lon, lat, 1050.0) for lon, lat in SITE_CW]
    fence = parse_fence({"type": "Feature", "properties": {}, "geometry": polygon(ring)})
    assert 190_000 < fence.area_m2 < 210_000


def test_polygon_with_hole_subtracts_area(site: Fence) -> None:
    hole = square(WEST + 0.001, SOUTH + 0.001, 0.001)
    holed = parse_fence(polygon(SITE_CW, hole))
    assert holed.area_m2 < site.area_m2 - 5_000
    interior = holed.geojson["coordinates"][1]
    assert not Polygon(interior).exterior.is_ccw  # holes clockwise
    assert not fence_contains(holed, lon=WEST + 0.0015, lat=SOUTH + 0.0015)


def test_multipolygon() -> None:
    fence = parse_fence(
        {"type": "MultiPolygon", "coordinates": [[SITE_CW], [square(WEST + 0.02, SOUTH, 0.002)]]}
    )
    assert fence.geojson["type"] == "MultiPolygon"
    assert len(fence.geojson["coordinates"]) == 2
    assert fence_contains(fence, lon=WEST + 0.021, lat=SOUTH + 0.001)


def test_overlapping_multipolygon_parts_fail() -> None:
    parts = [[square(WEST, SOUTH, 0.002)], [square(WEST + 0.001, SOUTH + 0.001, 0.002)]]
    assert code_of({"type": "MultiPolygon", "coordinates": parts}) == "fence_self_intersection"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "POLYGON((...))",
        [],
        {"type": "Point", "coordinates": [WEST, SOUTH]},
        {"type": "LineString", "coordinates": SITE_CW},
        {"type": "Feature", "geometry": None},
        {"type": "FeatureCollection", "features": []},
    ],
)
def test_type(value: object) -> None:
    assert code_of(value) == "fence_type"


def test_bow_tie_fails() -> None:
    bow_tie = [[WEST, SOUTH], [EAST, NORTH], [EAST, SOUTH], [WEST, NORTH], [WEST, SOUTH]]
    with pytest.raises(FenceError) as info:
        parse_fence(polygon(bow_tie))
    assert info.value.code == "fence_self_intersection"
    assert "Self-intersection" in info.value.message_en


def test_unclosed_ring() -> None:
    assert code_of(polygon(SITE_CW[:-1] + [[WEST, SOUTH + 0.0001]])) == "fence_not_closed"


def test_swapped_lat_lon() -> None:
    swapped = [[lat, lon] for lon, lat in SITE_CW]
    with pytest.raises(FenceError) as info:
        parse_fence(polygon(swapped))
    assert info.value.code == "fence_bounds"
    assert "[lon, lat]" in info.value.message_en
    assert "经度, 纬度" in info.value.message_zh


def test_three_positions() -> None:
    assert code_of(polygon(SITE_CW[:2] + [SITE_CW[0]])) == "fence_coordinates"


@pytest.mark.parametrize(
    "coordinates",
    [
        None,
        [],
        SITE_CW,  # one nesting level short: a ring where a list of rings belongs
        [[[WEST, SOUTH, 1, 2], *SITE_CW[1:]]],
        [[["109.78", "39.61"]] * 4],
        [[[True, False]] * 4],
        [[[math.nan, SOUTH], *SITE_CW[1:-1], [math.nan, SOUTH]]],
        [[[math.inf, SOUTH], *SITE_CW[1:-1], [math.inf, SOUTH]]],
        [[[WEST], *SITE_CW[1:]]],
        [[None, *SITE_CW[1:]]],
        [None],
    ],
)
def test_bad_coordinates(coordinates: Any) -> None:
    assert code_of({"type": "Polygon", "coordinates": coordinates}) == "fence_coordinates"


def test_bad_multipolygon_coordinates() -> None:
    assert code_of({"type": "MultiPolygon", "coordinates": []}) == "fence_coordinates"
    assert code_of({"type": "MultiPolygon", "coordinates": [[SITE_CW[:3]]]}) == "fence_coordinates"


def test_huge_polygon() -> None:
    with pytest.raises(FenceError) as info:
        parse_fence(polygon(square(109.0, 39.0, 1.0)))
    assert info.value.code == "fence_area"
    assert "m²" in info.value.message_en


def test_tiny_polygon() -> None:
    five_m = 5 / 111_000
    assert code_of(polygon(square(WEST, SOUTH, five_m))) == "fence_area"


def test_area_bounds_are_configurable() -> None:
    assert code_of(polygon(SITE_CW), max_area_m2=100_000) == "fence_area"
    assert parse_fence(polygon(SITE_CW), min_area_m2=150_000).area_m2 > 150_000


def test_contains(site: Fence) -> None:
    assert fence_contains(site, lon=(WEST + EAST) / 2, lat=MID_LAT)
    assert fence_contains(site, lon=WEST, lat=MID_LAT)  # boundary counts as inside
    assert fence_contains(site, lon=round(EAST, 7), lat=MID_LAT)
    assert fence_contains(site, lon=WEST, lat=SOUTH)  # so does a corner
    assert not fence_contains(site, lon=EAST + 0.0001, lat=MID_LAT)


def test_distance(site: Fence) -> None:
    assert distance_to_fence_m(site, lon=(WEST + EAST) / 2, lat=MID_LAT) == 0.0
    # The stored fence is rounded to 7 decimals, so test its edge as stored.
    assert distance_to_fence_m(site, lon=round(EAST, 7), lat=MID_LAT) == 0.0
    east_1km = distance_to_fence_m(site, lon=EAST + ONE_KM_LON, lat=MID_LAT)
    assert 900 < east_1km < 1_100
    north_3km = distance_to_fence_m(site, lon=(WEST + EAST) / 2, lat=NORTH + 3_000 / 111_000)
    assert 2_950 < north_3km < 3_050


def test_fence_error_pickles() -> None:
    error = FenceError("fence_area", "面积", "area")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message_zh, copy.message_en) == ("fence_area", "面积", "area")
