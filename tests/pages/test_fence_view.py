"""The server-drawn fence: a metric projection that keeps the shape, fits the box, names its scale."""

from __future__ import annotations

import re

from backend.http.pages import fence_view
from tests.sites import helpers as sites_h


def _xy(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]


def test_a_600_by_400_m_yard_keeps_its_proportions_and_fits_the_box():
    view = fence_view(sites_h.rect(width_m=600.0, height_m=400.0), width=360, height=240, pad=20)
    assert view is not None
    points = _xy(view["paths"])
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    assert min(xs) >= 20 - 0.1 and max(xs) <= 340 + 0.1 and min(ys) >= 20 - 0.1 and max(ys) <= 220 + 0.1
    # East-west 600 m against north-south 400 m: metres, not degrees (a degree of longitude is shorter here).
    assert abs((max(xs) - min(xs)) / (max(ys) - min(ys)) - 1.5) < 0.02
    # North is up: the ring's first corner (south-west) is at the bottom left.
    assert points[0] == (min(xs), max(ys))
    assert view["bar_label"] == "200 m"
    assert abs(view["bar_px"] - 200 * (max(xs) - min(xs)) / 600) < 1.0


def test_gates_are_placed_and_fitted_even_just_outside_the_fence():
    fence = sites_h.rect(width_m=600.0, height_m=400.0)
    lon, lat = sites_h.offset(sites_h.LON, sites_h.LAT, east_m=700.0, north_m=200.0)
    view = fence_view(fence, width=360, height=240, pad=20, points=[(lon, lat, "东门", True)])
    assert view is not None
    (x, y, name, designated), = view["points"]
    assert name == "东门" and designated and 20 - 0.1 <= x <= 340 + 0.1 and 20 <= y <= 220
    assert max(p[0] for p in _xy(view["paths"])) < x


def test_large_fences_get_a_kilometre_scale_and_no_fence_gives_nothing():
    view = fence_view(sites_h.rect(width_m=9000.0, height_m=6000.0))
    assert view is not None and view["bar_label"] == "2 km"
    assert fence_view(None) is None and fence_view({"type": "Point", "coordinates": [107.5, 38.2]}) is None
