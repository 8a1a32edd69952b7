"""A simulated drive along a route: the fixes a truck's terminal (or a driver's phone) would report.

Pure: given a polyline of [lon, lat] points, a speed and a reporting period, `RouteDrive` yields one
fix per period, interpolated along the route by geodesic distance, with the course of the segment it
is on. Stops (a truck standing at a checkpoint, a breakdown) are inserted at a distance along the
route and report speed 0 in place. Tests and `make run`'s demo trucks feed these to the JT808
terminal simulator; the clock is the caller's, so a test can drive hours of simulated time at once.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pyproj import Geod

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class RouteFix:
    lon: float
    lat: float
    speed_kmh: float
    course_deg: int
    at: datetime  # UTC
    distance_m: float  # along the route from its start


@dataclass(frozen=True)
class Stop:
    at_m: float  # where along the route (metres from the start)
    duration_s: float


@dataclass
class RouteDrive:
    route: Sequence[Sequence[float]]  # [[lon, lat], ...], at least two points
    speed_kmh: float
    period_s: float = 10.0
    stops: Sequence[Stop] = ()
    start_m: float = 0.0  # begin part-way along the route (demo trucks spread over the road)
    _cum_m: list[float] = field(init=False, repr=False)
    _courses: list[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if len(self.route) < 2:
            raise ValueError("a route needs at least two points")
        if self.speed_kmh <= 0 or self.period_s <= 0:
            raise ValueError("speed and period must be positive")
        self._cum_m = [0.0]
        self._courses = []
        for (lon1, lat1), (lon2, lat2) in zip(self.route, self.route[1:], strict=False):
            azimuth, _, dist_m = _GEOD.inv(lon1, lat1, lon2, lat2)
            self._cum_m.append(self._cum_m[-1] + dist_m)
            self._courses.append(azimuth % 360)

    @property
    def length_m(self) -> float:
        return self._cum_m[-1]

    def point_at(self, distance_m: float) -> tuple[float, float, int]:
        """(lon, lat, course) at `distance_m` along the route, clamped to its ends."""
        d = min(max(distance_m, 0.0), self.length_m)
        i = max(0, min(bisect.bisect_right(self._cum_m, d) - 1, len(self._courses) - 1))
        lon1, lat1 = self.route[i]
        seg_m = self._cum_m[i + 1] - self._cum_m[i]
        if seg_m <= 0:
            return lon1, lat1, round(self._courses[i]) % 360
        lon, lat, _ = _GEOD.fwd(lon1, lat1, self._courses[i], d - self._cum_m[i])
        return lon, lat, round(self._courses[i]) % 360

    def fixes(self, *, start: datetime, until_m: float | None = None) -> Iterator[RouteFix]:
        """Fixes every `period_s` from `start`, from `start_m` to `until_m` (default: the route's end)."""
        end_m = self.length_m if until_m is None else min(until_m, self.length_m)
        step_m = self.speed_kmh / 3.6 * self.period_s
        stops = sorted(self.stops, key=lambda s: s.at_m)
        at, d = start, self.start_m
        while True:
            lon, lat, course = self.point_at(d)
            moving = d < end_m
            yield RouteFix(lon, lat, self.speed_kmh if moving else 0.0, course, at, d)
            if not moving:
                return
            nxt = min(d + step_m, end_m)
            for stop in stops:
                if d < stop.at_m <= nxt:  # stand still at the stop, reporting every period
                    lon, lat, course = self.point_at(stop.at_m)
                    waited = 0.0
                    while waited < stop.duration_s:
                        at += timedelta(seconds=self.period_s)
                        waited += self.period_s
                        yield RouteFix(lon, lat, 0.0, course, at, stop.at_m)
            at += timedelta(seconds=self.period_s)
            d = nxt
