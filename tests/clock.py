"""The test's clock (fixture `clock`): the system clock until a test freezes or moves it.

Everything in the test's process that reads wall time goes through backend.clock, so
`clock.freeze()`, `clock.set(at)` and `clock.advance(s)` move it for services, handlers and the
test's own date arithmetic alike. Servers in subprocesses and device code keep the system clock;
so that no test straddles midnight in China (where "today" changes under it), a test that would
start in the last minutes of a Chinese day waits for the next one (`wait_out_midnight`).
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from backend import clock as backend_clock

# Longer than any single test runs (the OpenAPI fuzz runs are the longest, under two minutes).
MIDNIGHT_MARGIN = timedelta(minutes=3)


class TestClock:
    __test__ = False  # not a test class, whatever its name says

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        return self._frozen if self._frozen is not None else backend_clock.system_now() + self._offset

    def now_s(self) -> float:
        return self.now().timestamp()

    def today_china(self) -> date:
        return backend_clock.china_time(self.now()).date()

    def freeze(self, at: datetime | None = None) -> datetime:
        """Stop time at `at` (default: now); returns the frozen instant."""
        self._frozen = _aware(at) if at is not None else self.now()
        return self._frozen

    def set(self, at: datetime) -> None:
        """Jump to `at`; time keeps running from there unless frozen."""
        if self._frozen is not None:
            self._frozen = _aware(at)
        else:
            self._offset = _aware(at) - backend_clock.system_now()

    def advance(self, seconds: float) -> None:
        step = timedelta(seconds=seconds)
        if self._frozen is not None:
            self._frozen += step
        else:
            self._offset += step


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("the clock takes timezone-aware datetimes")
    return at


def wait_out_midnight(*, margin: timedelta = MIDNIGHT_MARGIN) -> float:
    """Sleep past midnight in China when it is less than `margin` away; returns the seconds slept."""
    local = backend_clock.china_time(backend_clock.system_now())
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=local.tzinfo)
    left_s = (midnight - local).total_seconds()
    if left_s > margin.total_seconds():
        return 0.0
    time.sleep(left_s + 1)
    return left_s + 1
