"""Stable weight on the host: when is a truck's reading steady enough to weigh, and what is it.

Many indicators say nothing about stability (耀华 XK3190-A9 in continuous mode, tF=0), and those
that do flag only "motion", not "this truck has settled". So the lane decides here, by the rule of
issue 5 (reference/devices.md §6): over a window, max − min within k divisions for at least T
seconds, the indicator's motion flag respected where it has one, every reading at or above the
on-scale threshold. The weighing is the window's median (one wild reading cannot move it), with
the statistics the ticket and an auditor want beside it.

The window is the longest run of recent accepted readings whose spread fits the band, bounded in
count. A reading outside the band evicts the older readings it disagrees with, so a step of more
than k divisions — a truck still rolling, or a remote-control box spliced into a load cell, which
moves the reading by hundreds of kg while the indicator reports no motion — empties the window back
to that reading, and the hold starts again. Min and max come from monotonic deques, mean and
standard deviation from exact integer sums, so a reading costs O(1) amortised; the median is sorted
out once, when the weighing is reported.

A stay on the scale yields one weighing: after it is reported the detector stays quiet until the
reading drops below the on-scale threshold (the truck has left), unless the caller asks for the
next one (`next_weighing`, e.g. after re-positioning a truck). Why a window was last emptied is kept
in `last_reset`, so the lane can log its rejection reasons.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

# Why the window was last emptied (or shortened by a reading outside the band).
ResetReason = Literal["below_threshold", "motion", "out_of_band", "gap", "manual"]

# Float times at 10-50 Hz do not add up exactly (30 steps of 0.1 s are 2.9999999999999996 s).
_TIME_EPSILON_S = 1e-9


@dataclass(frozen=True, slots=True)
class StabilityConfig:
    """A site's rule. `division_kg` (d) and `on_scale_kg` belong to the scale and must be given.

    `max_window_samples` bounds memory and the report's sort; it must cover `hold_s` at the
    indicator's output rate (3 s at 50 Hz is 150 readings), or the hold can never be reached.
    `max_gap_s`: a silence longer than this (a dropped serial line) restarts the hold, so two
    readings far apart never count as seconds of stability.
    """

    division_kg: int
    on_scale_kg: int
    k_divisions: float = 2
    hold_s: float = 3.0
    max_window_samples: int = 1024
    max_gap_s: float = 1.0

    def __post_init__(self) -> None:
        if self.division_kg <= 0:
            raise ValueError("division_kg must be > 0")
        if not self.k_divisions > 0:
            raise ValueError("k_divisions must be > 0")
        if not (math.isfinite(self.hold_s) and self.hold_s > 0):
            raise ValueError("hold_s must be a finite number of seconds > 0")
        if self.max_window_samples < 2:
            raise ValueError("max_window_samples must be >= 2")
        if not (math.isfinite(self.max_gap_s) and self.max_gap_s > 0):
            raise ValueError("max_gap_s must be a finite number of seconds > 0")

    @property
    def band_kg(self) -> float:
        """The largest spread (max − min) a stable window may have: k × d."""
        return self.k_divisions * self.division_kg


@dataclass(frozen=True, slots=True)
class StableWeight:
    """One weighing: the stable window's median and its statistics.

    `median_kg` is the lower median, a reading the indicator actually showed, so it stays on the
    division grid. `stdev` is the sample standard deviation (n − 1), 0.0 for a single reading.
    """

    median_kg: int
    min_kg: int
    max_kg: int
    spread_kg: int
    samples: int
    since_s: float
    until_s: float
    mean: float
    stdev: float

    @property
    def duration_s(self) -> float:
        return self.until_s - self.since_s


class StableWeightDetector:
    """Fed one reading at a time (`feed`); returns None until the reading is stable, then one
    `StableWeight` per stay on the scale. Times must be strictly increasing (a monotonic clock)."""

    __slots__ = (
        "_band",
        "_config",
        "_kgs",
        "_last_t",
        "_max_q",
        "_min_q",
        "_reported",
        "_seq",
        "_start",
        "_sum",
        "_sum_sq",
        "_ts",
        "last_reset",
    )

    def __init__(self, config: StabilityConfig) -> None:
        self._config = config
        self._band = config.band_kg
        self._last_t = -math.inf
        self._ts: deque[float] = deque()
        self._kgs: deque[int] = deque()
        # (sequence number, kg): decreasing kg in _max_q, increasing in _min_q; fronts are the extremes.
        self._max_q: deque[tuple[int, int]] = deque()
        self._min_q: deque[tuple[int, int]] = deque()
        self._seq = 0  # sequence number of the next accepted reading
        self._start = 0  # sequence number of the window's oldest reading
        self._sum = 0
        self._sum_sq = 0
        self._reported = False
        self.last_reset: ResetReason | None = None

    @property
    def config(self) -> StabilityConfig:
        return self._config

    @property
    def reported(self) -> bool:
        """True once this stay's weighing has been returned (until the truck leaves or `next_weighing`)."""
        return self._reported

    @property
    def window_samples(self) -> int:
        return len(self._kgs)

    def next_weighing(self) -> None:
        """Allow another weighing in this stay; it needs a full hold of readings fed from now on."""
        self._reported = False
        self._clear("manual")

    def reset(self) -> None:
        """Forget everything but the last time seen (times must still increase), e.g. after re-zeroing."""
        self._reported = False
        self._clear("manual")

    def feed(self, t_s: float, kg: int, motion: bool | None = None) -> StableWeight | None:
        """Take one reading: `motion` is the indicator's flag, or None where it has none.

        Raises ValueError for a time that is not finite or not after the previous one: a reading
        replayed or reordered by a buffer would otherwise stretch the hold.
        """
        if not t_s > self._last_t or not math.isfinite(t_s):
            raise ValueError(f"reading at t={t_s!r} s is not after the previous one ({self._last_t!r} s)")
        config = self._config
        self._last_t = t_s
        if kg < config.on_scale_kg:
            # The truck has left (or not arrived): the next stay may be weighed.
            self._reported = False
            if self._kgs or self.last_reset != "below_threshold":
                self._clear("below_threshold")
            return None
        if motion:
            self._clear("motion")
            return None
        ts, kgs = self._ts, self._kgs
        if ts and t_s - ts[-1] > config.max_gap_s:
            self._clear("gap")

        seq = self._seq
        self._seq = seq + 1
        ts.append(t_s)
        kgs.append(kg)
        self._sum += kg
        self._sum_sq += kg * kg
        max_q, min_q = self._max_q, self._min_q
        while max_q and max_q[-1][1] <= kg:
            max_q.pop()
        max_q.append((seq, kg))
        while min_q and min_q[-1][1] >= kg:
            min_q.pop()
        min_q.append((seq, kg))

        start = self._start
        band = self._band
        if max_q[0][1] - min_q[0][1] > band:
            # Any window holding both extremes is too wide, so drop the older one and all before it.
            while max_q[0][1] - min_q[0][1] > band:
                if max_q[0][0] < min_q[0][0]:
                    start = max_q.popleft()[0] + 1
                    while min_q[0][0] < start:
                        min_q.popleft()
                else:
                    start = min_q.popleft()[0] + 1
                    while max_q[0][0] < start:
                        max_q.popleft()
            self.last_reset = "out_of_band"
        if seq - start >= config.max_window_samples:
            start = seq - config.max_window_samples + 1
            while max_q[0][0] < start:
                max_q.popleft()
            while min_q[0][0] < start:
                min_q.popleft()
        if start != self._start:
            for _ in range(start - self._start):
                ts.popleft()
                old = kgs.popleft()
                self._sum -= old
                self._sum_sq -= old * old
            self._start = start

        if self._reported or t_s - ts[0] < config.hold_s - _TIME_EPSILON_S:
            return None
        self._reported = True
        return self._weighing()

    def _weighing(self) -> StableWeight:
        kgs = self._kgs
        n = len(kgs)
        ordered = sorted(kgs)
        total, total_sq = self._sum, self._sum_sq
        # Exact integers until the last division: no cancellation however heavy the truck.
        variance = (n * total_sq - total * total) / (n * (n - 1)) if n > 1 else 0.0
        low, high = self._min_q[0][1], self._max_q[0][1]
        return StableWeight(
            median_kg=ordered[(n - 1) // 2],
            min_kg=low,
            max_kg=high,
            spread_kg=high - low,
            samples=n,
            since_s=self._ts[0],
            until_s=self._ts[-1],
            mean=total / n,
            stdev=math.sqrt(variance),
        )

    def _clear(self, reason: ResetReason) -> None:
        self._ts.clear()
        self._kgs.clear()
        self._max_q.clear()
        self._min_q.clear()
        self._start = self._seq
        self._sum = 0
        self._sum_sq = 0
        self.last_reset = reason
