"""Readings per second through the stable-weight detector, beside the rule written the obvious way.

The peer is what a straightforward lane would do: keep the window as a list and, at every reading,
sort it to find min, max (dropping the oldest reading while the spread exceeds the band) and the
median. The detector keeps min and max in monotonic deques and sorts only when it reports. Both
run over the same readings: a day of trucks streamed at HZ readings per second (ramp on, settling,
a plateau of PLATEAU_S seconds while the lane identifies, photographs and prints, ramp off, the
empty scale), with the same rule (d = 20 kg, k = 2, 3 s hold, at most 1024 readings in the window).
Each figure is the median of RUNS runs of N readings, interleaved; the two must report the same
weighings, or the script fails. Run: `python bench/stable_weight.py`.
"""

from __future__ import annotations

import math
import os
import random
import statistics
import time
from collections.abc import Callable

from devices.weighbridge.stable import StabilityConfig, StableWeightDetector

RUNS = 5
N = int(os.environ.get("BENCH_N", "200000"))
HZ = 20
PLATEAU_S = 15.0
CONFIG = StabilityConfig(division_kg=20, on_scale_kg=500, k_divisions=2, hold_s=3.0, max_window_samples=1024)

Sample = tuple[float, int, bool | None]
Report = tuple[int, int, int, float, float]  # median, min, max, since, until


def profile(n: int, seed: int = 2026) -> list[Sample]:
    rng = random.Random(seed)
    d = CONFIG.division_kg
    out: list[Sample] = []
    t, dt = 0.0, 1 / HZ

    def emit(kg: float, motion: bool | None) -> None:
        nonlocal t
        out.append((t, int(round(kg / d)) * d, motion))
        t += dt

    while len(out) < n:
        gross = rng.randrange(12_000, 49_000)
        flag = rng.random() < 0.5  # half the indicators have a motion flag
        ramp = int(4 * HZ)
        for i in range(ramp):
            emit(max(0.0, gross * (i + 1) / ramp + rng.uniform(-3, 3) * d), True if flag else None)
        for i in range(3 * HZ):
            amplitude = max(3 * d * math.exp(-i / (0.6 * HZ)), 0.4 * d)
            emit(gross + rng.uniform(-1, 1) * amplitude, (amplitude > d) if flag else None)
        for _ in range(int(PLATEAU_S * HZ)):
            emit(gross + rng.uniform(-1, 1) * 0.4 * d, False if flag else None)
        for i in range(ramp):
            emit(max(0.0, gross * (1 - (i + 1) / ramp) + rng.uniform(-3, 3) * d), True if flag else None)
        for _ in range(rng.randrange(2 * HZ, 20 * HZ)):
            emit(rng.uniform(-1, 1) * d, False if flag else None)
    return out[:n]


def detector_run(samples: list[Sample]) -> list[Report]:
    detector = StableWeightDetector(CONFIG)
    feed = detector.feed
    reports: list[Report] = []
    for t, kg, motion in samples:
        w = feed(t, kg, motion)
        if w is not None:
            reports.append((w.median_kg, w.min_kg, w.max_kg, w.since_s, w.until_s))
    return reports


def naive_run(samples: list[Sample]) -> list[Report]:
    config = CONFIG
    band, hold, cap = config.band_kg, config.hold_s - 1e-9, config.max_window_samples
    ts: list[float] = []
    kgs: list[int] = []
    reported = False
    reports: list[Report] = []
    for t, kg, motion in samples:
        if kg < config.on_scale_kg:
            ts, kgs, reported = [], [], False
            continue
        if motion:
            ts, kgs = [], []
            continue
        if ts and t - ts[-1] > config.max_gap_s:
            ts, kgs = [], []
        ts.append(t)
        kgs.append(kg)
        if len(kgs) > cap:
            del ts[0], kgs[0]
        ordered = sorted(kgs)
        while ordered[-1] - ordered[0] > band:
            del ts[0], kgs[0]
            ordered = sorted(kgs)
        low, high, median = ordered[0], ordered[-1], ordered[(len(ordered) - 1) // 2]
        if not reported and t - ts[0] >= hold:
            reported = True
            reports.append((median, low, high, ts[0], ts[-1]))
    return reports


def rate_per_s(fn: Callable[[list[Sample]], object], samples: list[Sample]) -> float:
    start = time.perf_counter()
    fn(samples)
    return len(samples) / (time.perf_counter() - start)


def main() -> None:
    samples = profile(N)
    expected = naive_run(samples)
    got = detector_run(samples)
    assert got == expected, "the detector and the naive rule disagree"
    detector_rates, naive_rates = [], []
    for _ in range(RUNS):  # interleaved, so a noisy neighbour hurts both alike
        detector_rates.append(rate_per_s(detector_run, samples))
        naive_rates.append(rate_per_s(naive_run, samples))
    fast, slow = statistics.median(detector_rates), statistics.median(naive_rates)

    print(
        f"stable weight (devices.weighbridge.stable), median of {RUNS} x {N:,} readings at {HZ} Hz; "
        f"{len(got)} weighings, plateau {PLATEAU_S:.0f} s, window <= {CONFIG.max_window_samples}"
    )
    print(f"  {'StableWeightDetector (monotonic deques)':<50} {fast:>12,.0f} /s")
    print(f"  {'naive: sorted() window at every reading':<50} {slow:>12,.0f} /s")
    print(f"  {'ratio detector / naive':<50} {fast / slow:>12.2f}")


if __name__ == "__main__":
    main()
