"""Pure queue rules: the sort key, distances and hours in words, the service interval and ETA."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from geo.fences import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN, Fence, parse_fence

CHINA = ZoneInfo("Asia/Shanghai")
# A phone fix worse than this cannot tell the check-in zone from the road beside it.
MAX_ACCURACY_M = 500.0
# The band sits above any millisecond timestamp (10^13 ms is the year 2286), so band decides first.
BAND_SPAN = 10**13
# When too few trucks were served lately to measure, one truck every 6 minutes.
DEFAULT_INTERVAL_S = 360
INTERVAL_SAMPLE = 20
INTERVAL_WINDOW = timedelta(hours=24)
# An appointment's hour admits check-ins from 15 minutes before it until 15 minutes after it.
APPOINTMENT_GRACE = timedelta(minutes=15)
BOOKING_HORIZON = timedelta(days=7)

STATE_LABELS = {
    "waiting": ("排队中", "waiting"), "called": ("已叫号", "called"), "served": ("已进场", "entered"),
    "dropped": ("已移出", "dropped"), "left": ("已离队", "left"),
}


def band(*, new_energy: bool, nev_first: bool) -> int:
    return 0 if new_energy and nev_first else 1


def epoch_ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def score(band_: int, at: datetime) -> int:
    return band_ * BAND_SPAN + epoch_ms(at)


def position_ok(lon: float, lat: float) -> bool:
    return all(math.isfinite(v) for v in (lon, lat)) and LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX


@lru_cache(maxsize=512)
def _fence(encoded: bytes) -> Fence:
    return parse_fence(msgspec.json.decode(encoded), min_area_m2=0.0, max_area_m2=1e12)


def zone_fence(geojson: dict[str, Any]) -> Fence:
    """The parsed zone, cached by its GeoJSON: check-ins parse the same few zones all day."""
    return _fence(msgspec.json.encode(geojson, order="deterministic"))


def distance_text(distance_m: float) -> str:
    if distance_m < 1000:
        return f"{math.ceil(distance_m):.0f} m"
    return f"{distance_m / 1000:.1f} km"


def china_time(at: datetime) -> datetime:
    return at.astimezone(CHINA)


def hour_text(hour_start: datetime) -> tuple[str, str]:
    local = china_time(hour_start)
    end = local + timedelta(hours=1)
    zh = f"{local:%m月%d日 %H:%M}–{end:%H:%M}"
    return zh, f"{local:%Y-%m-%d %H:%M}-{end:%H:%M} (Beijing time)"


def clock_text(at: datetime) -> str:
    return f"{china_time(at):%H:%M}"


def china_day_start(at: datetime) -> datetime:
    local = china_time(at)
    return datetime(local.year, local.month, local.day, tzinfo=CHINA).astimezone(UTC)


def day_hours(day: date) -> list[datetime]:
    """The 24 hour starts (UTC) of a day in Asia/Shanghai."""
    start = datetime(day.year, day.month, day.day, tzinfo=CHINA).astimezone(UTC)
    return [start + timedelta(hours=h) for h in range(24)]


def on_the_hour(at: datetime) -> bool:
    return at.tzinfo is not None and at.minute == 0 and at.second == 0 and at.microsecond == 0


def state_label(state: str) -> tuple[str, str]:
    return STATE_LABELS.get(state, (state, state))


def median_interval_s(served_at: Sequence[datetime]) -> int | None:
    """Median seconds between consecutive services; None with fewer than three services."""
    times = sorted(served_at)
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    if len(gaps) < 2:
        return None
    return max(1, round(statistics.median(gaps)))


def eta_minutes(ahead: int, interval_s: int) -> int:
    return math.ceil(ahead * interval_s / 60)
