"""Pure rules of weighing: a site's settings, and the anti-cheating checks that need no database.

Each check returns None (fine) or a `Finding` naming its refusal code and the figures behind it, so
the refusal message and the alert can say exactly why.
"""

from __future__ import annotations

import math
import secrets
import statistics
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from backend.domain.orders.service import CHINA_TZ


@dataclass(frozen=True, slots=True)
class SiteRules:
    plate_only: bool = False
    division_kg: int = 20
    min_loading_s: int = 300
    tare_tolerance_pct: int = 5
    tare_tolerance_min_kg: int = 300
    max_speed_kmh: int = 90


DEFAULTS = SiteRules()
# A truck's tare history: the last this many accepted tares, at any site; fewer than MIN_HISTORY
# tell nothing yet (a new truck, a new body).
TARE_HISTORY = 10
MIN_TARE_HISTORY = 3
# The trace must hold still this long before its level counts as "settled".
SETTLE_MS = 1000


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    zh: str
    en: str
    figures: dict[str, object] = field(default_factory=dict)


def ticket_no(now: datetime) -> str:
    """BD + China date + 8 random digits, like order numbers (nothing of the volume leaks)."""
    return f"BD{now.astimezone(CHINA_TZ):%y%m%d}{secrets.randbelow(10**8):08d}"


def verify_code() -> str:
    return secrets.token_urlsafe(9)


def _t(kg: float) -> str:
    return f"{kg / 1000:.2f}"


def weight_jump(trace: Sequence[Sequence[int]], *, weight_kg: int, division_kg: int) -> Finding | None:
    """A remote-control box shows as a step while the truck stands still: the trace settles at one
    level (SETTLE_MS within 2 divisions, gratings clear where the lane says so), then the weight
    captured lies far from it with no truck movement between. A step under 10 divisions (or
    100 kg) is settling noise, wind, a driver climbing down."""
    band_kg = 2 * division_kg
    jump_kg = max(10 * division_kg, 100)
    points = [(p[0], p[1]) for p in trace if len(p) < 3 or p[2] == 1]
    start = 0
    highs: deque[int] = deque()  # indexes of the window's maxima candidates, kg decreasing
    lows: deque[int] = deque()
    for i, (t_ms, kg) in enumerate(points):
        while highs and points[highs[-1]][1] <= kg:
            highs.pop()
        highs.append(i)
        while lows and points[lows[-1]][1] >= kg:
            lows.pop()
        lows.append(i)
        while points[highs[0]][1] - points[lows[0]][1] > band_kg:
            start += 1
            while highs[0] < start:
                highs.popleft()
            while lows[0] < start:
                lows.popleft()
        if t_ms - points[start][0] >= SETTLE_MS:
            settled_kg = int(statistics.median(kg for _, kg in points[start:i + 1]))
            if abs(weight_kg - settled_kg) > jump_kg:
                return Finding("weight_jump", f"车辆静止时重量由 {_t(settled_kg)} 吨跳变为 {_t(weight_kg)} 吨（疑似遥控作弊）",
                               f"The weight stepped from {_t(settled_kg)} t to {_t(weight_kg)} t while the truck stood "
                               "still (a remote-control box?)", {"settledKg": settled_kg, "weightKg": weight_kg})
            return None
    return None


def tare_out_of_range(weight_kg: int, history_kg: Sequence[int], *, pct: int, min_kg: int) -> Finding | None:
    if len(history_kg) < MIN_TARE_HISTORY:
        return None
    standard_kg = int(statistics.median(history_kg))
    allowed_kg = max(standard_kg * pct // 100, min_kg)
    if abs(weight_kg - standard_kg) <= allowed_kg:
        return None
    return Finding("tare_out_of_range",
                   f"皮重 {_t(weight_kg)} 吨超出该车历史皮重 {_t(standard_kg)} 吨 ±{_t(allowed_kg)} 吨",
                   f"Tare {_t(weight_kg)} t is outside this truck's usual {_t(standard_kg)} t ± {_t(allowed_kg)} t",
                   {"standardKg": standard_kg, "allowedKg": allowed_kg, "history": len(history_kg)})


def geodesic_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius): the straight line, the shortest a truck
    could have driven; accurate to 0.5 %, plenty for a speed bound."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def too_fast(*, distance_m: float, seconds: float, max_speed_kmh: int, other_site: str) -> Finding | None:
    """The same plate weighed at another site so recently that even the straight line would need
    more than max_speed: two trucks carry this plate (套牌)."""
    if distance_m < 1000:  # neighbouring sites: no conclusion
        return None
    speed_kmh = distance_m / 1000 / max(seconds, 1) * 3600
    if speed_kmh <= max_speed_kmh:
        return None
    return Finding("plate_elsewhere",
                   f"该车牌 {seconds / 60:.0f} 分钟前在 {other_site}（相距 {distance_m / 1000:.0f} 公里）过磅，疑似套牌",
                   f"This plate was weighed at {other_site} ({distance_m / 1000:.0f} km away) {seconds / 60:.0f} min ago: "
                   "a cloned plate?", {"distanceM": round(distance_m), "seconds": round(seconds),
                                      "speedKmh": round(speed_kmh)})


def loading_too_short(*, tare_at: datetime, gross_at: datetime, min_loading_s: int) -> Finding | None:
    seconds = (gross_at - tare_at).total_seconds()
    if seconds >= min_loading_s:
        return None
    return Finding("loading_too_short", f"装车仅用 {seconds / 60:.1f} 分钟，少于本场最短 {min_loading_s / 60:.0f} 分钟",
                   f"Loading took {seconds / 60:.1f} min, less than this site's minimum of {min_loading_s / 60:.0f} min",
                   {"seconds": round(seconds), "minimumS": min_loading_s})
