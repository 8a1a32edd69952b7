"""The platform's one wall clock: the instant in UTC, and the calendar day in China.

Production reads the system clock. Code that needs wall time (timestamps stored or compared,
"today" for contracts and tickets) asks this module instead of `datetime.now`/`time.time`, so a
test can freeze or move time for everything running in its process (tests/clock.py). Timers
that measure durations keep `time.monotonic`; device code keeps its own clock, as a device would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = system_now


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return _source()


def now_s() -> float:
    """The current instant in Unix seconds."""
    return now().timestamp()


def china_time(at: datetime | None = None) -> datetime:
    """`at` (default: now) on the clocks in China."""
    return (at or now()).astimezone(CHINA_TZ)


def today_china() -> date:
    """The calendar day in China: contracts, ticket days and appointments run by local dates."""
    return china_time().date()


@contextmanager
def use(source: Callable[[], datetime]) -> Iterator[None]:
    """Read time from `source` until the block ends (tests, and the demo back-dating a seeded report;
    `source` must return aware datetimes)."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous
