"""Great-circle distances in metres: numpy for whole batches, math for the odd single pair.

Haversine on a sphere of the mean Earth radius: within 0.5 % of the WGS-84 geodesic, which is
plenty for a jump filter, a stop radius or a gate tolerance of tens of metres.
"""

from __future__ import annotations

import bisect
import math

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8
_RAD = math.pi / 180.0
Floats = npt.NDArray[np.float64]


def haversine_m(lon1: Floats, lat1: Floats, lon2: Floats, lat2: Floats) -> Floats:
    phi1, phi2 = lat1 * _RAD, lat2 * _RAD
    a = np.sin((phi2 - phi1) / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lon2 - lon1) * _RAD / 2.0) ** 2
    result: Floats = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return result


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    phi1, phi2 = lat1 * _RAD, lat2 * _RAD
    a = math.sin((phi2 - phi1) / 2.0) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin((lon2 - lon1) * _RAD / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(a, 1.0)))


def longest_silence_s(from_s: float, to_s: float, heard_s: list[float]) -> float:
    """The longest stretch between from_s and to_s without a fix, given sorted fix times heard_s."""
    lo = bisect.bisect_right(heard_s, from_s)
    hi = bisect.bisect_left(heard_s, to_s)
    longest, previous = 0.0, from_s
    for t in heard_s[lo:hi]:
        longest = max(longest, t - previous)
        previous = t
    return max(longest, to_s - previous)
