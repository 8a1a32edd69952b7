"""The stable-weight rule (devices.weighbridge.stable) on truck profiles generated here.

A profile is what an indicator streams at 10 Hz while a truck drives on, settles and drives off:
a ramp on over ~4 s, settling noise of about a division decaying to the plateau's own jitter, the
plateau, a ramp off. Readings are whole divisions, as indicators display them. Times are seconds
on a monotonic clock starting at 0; nothing sleeps.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Iterator

import pytest

from devices.weighbridge.stable import StabilityConfig, StableWeight, StableWeightDetector

HZ = 10
DT = 1 / HZ
D = 20  # division, kg
CONFIG = StabilityConfig(division_kg=D, on_scale_kg=500, k_divisions=2, hold_s=3.0)

Sample = tuple[float, int, bool | None]


def quantise(kg: float) -> int:
    return int(round(kg / D)) * D


def truck(
    rng: random.Random,
    *,
    gross_kg: int = 38_000,
    t0: float = 0.0,
    ramp_s: float = 4.0,
    settle_s: float = 3.0,
    plateau_s: float = 6.0,
    jitter_kg: float = 0.4 * D,
    motion_flag: bool = True,
) -> list[Sample]:
    """One truck's stay: readings (t, kg, motion); motion is None when `motion_flag` is False."""
    samples: list[Sample] = []
    t = t0
    steps_on = int(ramp_s * HZ)
    for i in range(steps_on):  # axles arrive: a rising, bouncing reading, flagged as motion
        kg = gross_kg * (i + 1) / steps_on + rng.uniform(-3, 3) * D
        samples.append((t, max(0, quantise(kg)), True if motion_flag else None))
        t += DT
    for i in range(int(settle_s * HZ)):  # the suspension settles: ± a division and more, decaying
        amplitude = 3 * D * math.exp(-i / (0.6 * HZ))
        kg = gross_kg + rng.uniform(-1, 1) * max(amplitude, jitter_kg)
        samples.append((t, quantise(kg), (amplitude > D) if motion_flag else None))
        t += DT
    for _ in range(int(plateau_s * HZ)):
        samples.append((t, quantise(gross_kg + rng.uniform(-1, 1) * jitter_kg), False if motion_flag else None))
        t += DT
    for i in range(steps_on):  # drives off
        kg = gross_kg * (1 - (i + 1) / steps_on) + rng.uniform(-3, 3) * D
        samples.append((t, max(0, quantise(kg)), True if motion_flag else None))
        t += DT
    for _ in range(10):  # the empty scale
        samples.append((t, quantise(rng.uniform(-1, 1) * D), False if motion_flag else None))
        t += DT
    return samples


def plateau(t0: float, seconds: float, kg: int, motion: bool | None = False) -> list[Sample]:
    return [(t0 + i * DT, kg + (D if i % 3 == 0 else 0), motion) for i in range(int(round(seconds * HZ)))]


def run(samples: Iterable[Sample], config: StabilityConfig = CONFIG) -> list[StableWeight]:
    detector = StableWeightDetector(config)
    return [w for t, kg, motion in samples if (w := detector.feed(t, kg, motion)) is not None]


def naive(samples: Iterable[Sample], config: StabilityConfig = CONFIG) -> list[tuple[list[Sample], int]]:
    """The rule written the obvious way (a list, sorted at every reading): the oracle for the detector.

    Returns each reported window and its lower median.
    """
    out: list[tuple[list[Sample], int]] = []
    window: list[Sample] = []
    reported = False
    for sample in samples:
        t, kg, motion = sample
        if kg < config.on_scale_kg:
            window, reported = [], False
            continue
        if motion:
            window = []
            continue
        if window and t - window[-1][0] > config.max_gap_s:
            window = []
        window.append(sample)
        while True:
            ordered = sorted(s[1] for s in window)
            if ordered[-1] - ordered[0] <= config.band_kg:
                break
            window.pop(0)
        window = window[-config.max_window_samples :]
        if not reported and t - window[0][0] >= config.hold_s - 1e-9:
            reported = True
            ordered = sorted(s[1] for s in window)
            out.append((list(window), ordered[(len(ordered) - 1) // 2]))
    return out


def assert_sound(weight: StableWeight, config: StabilityConfig = CONFIG) -> None:
    assert weight.min_kg <= weight.median_kg <= weight.max_kg
    assert weight.spread_kg == weight.max_kg - weight.min_kg <= config.band_kg
    assert weight.min_kg <= weight.mean <= weight.max_kg
    assert weight.duration_s >= config.hold_s - 1e-9
    assert weight.samples >= 2


# --- realistic profiles -----------------------------------------------------------------------


@pytest.mark.parametrize("motion_flag", [True, False], ids=["motion-flag", "no-motion-flag"])
def test_a_truck_is_weighed_once_at_its_plateau(motion_flag: bool) -> None:
    samples = truck(random.Random(1), gross_kg=38_000, motion_flag=motion_flag)
    weights = run(samples)
    assert len(weights) == 1
    (weight,) = weights
    assert_sound(weight)
    assert abs(weight.median_kg - 38_000) <= D
    assert weight.since_s >= 4.0  # not before the truck was fully on
    assert weight.until_s - weight.since_s < 3.0 + 2 * DT  # reported as soon as the hold is met


def test_statistics_are_those_of_the_reported_window() -> None:
    samples = truck(random.Random(7), gross_kg=25_480)
    ((window, median),) = naive(samples)
    (weight,) = run(samples)
    kgs = [s[1] for s in window]
    assert weight.median_kg == median == statistics.median_low(kgs)
    assert (weight.min_kg, weight.max_kg, weight.samples) == (min(kgs), max(kgs), len(kgs))
    assert (weight.since_s, weight.until_s) == (window[0][0], window[-1][0])
    assert weight.mean == pytest.approx(statistics.fmean(kgs))
    assert weight.stdev == pytest.approx(statistics.stdev(kgs))


def test_noise_within_k_divisions_is_stable_and_beyond_is_not() -> None:
    rng = random.Random(3)
    within = [(i * DT, 30_000 + rng.choice((-D, 0, D)), None) for i in range(60)]  # spread 2 d
    (weight,) = run(within)
    assert_sound(weight)
    beyond = [(i * DT, 30_000 + rng.choice((-2 * D, 0, 2 * D)), None) for i in range(600)]  # spread 4 d
    # Any 3 s of ±2 d jitter at 10 Hz holds both extremes: the band is never met for long.
    assert run(beyond) == []
    assert run(beyond, StabilityConfig(division_kg=D, on_scale_kg=500, k_divisions=4)) != []


def test_an_even_window_reports_the_lower_median_a_reading_actually_shown() -> None:
    samples = [(i * DT, 30_000 + (D if i % 2 else 0), None) for i in range(31)]
    (weight,) = run(samples, StabilityConfig(division_kg=D, on_scale_kg=500, k_divisions=1))
    assert weight.samples == 31 and weight.median_kg in (30_000, 30_020)
    samples = [(i * DT, 30_000 + (D if i % 2 else 0), None) for i in range(32)]
    config = StabilityConfig(division_kg=D, on_scale_kg=500, k_divisions=1, hold_s=3.1)
    (weight,) = run(samples, config)
    assert weight.samples == 32 and weight.median_kg == 30_000


# --- motion -----------------------------------------------------------------------------------


def test_motion_flag_restarts_the_hold() -> None:
    samples = plateau(0.0, 10.0, 30_000)
    # Flagged every 2.5 s: no 3 s run without motion.
    flagged = [(t, kg, True) if round(t * HZ) % 25 == 0 else (t, kg, m) for t, kg, m in samples]
    assert run(flagged) == []
    # Flagged only at 2.0 s: the hold starts again after it.
    once = [(t, kg, True) if round(t * HZ) == 20 else (t, kg, m) for t, kg, m in samples]
    (weight,) = run(once)
    assert weight.since_s == pytest.approx(2.1) and weight.until_s == pytest.approx(5.1)
    detector = StableWeightDetector(CONFIG)
    detector.feed(0.0, 30_000, True)
    assert detector.last_reset == "motion"


# --- remote-control box: a step on a plateau with no motion flagged --------------------------------


def test_a_jump_before_the_hold_is_met_reports_the_later_plateau() -> None:
    before = plateau(0.0, 2.0, 30_000)
    after = plateau(2.0, 4.0, 30_400)  # +400 kg, motion false
    (weight,) = run(before + after)
    assert_sound(weight)
    assert weight.since_s >= 2.0
    assert abs(weight.median_kg - 30_400) <= D


def test_a_jump_leaving_too_short_a_plateau_reports_nothing() -> None:
    samples = plateau(0.0, 2.5, 30_000) + plateau(2.5, 2.5, 30_600) + plateau(5.0, 2.5, 30_000)
    detector = StableWeightDetector(CONFIG)
    results = [detector.feed(t, kg, m) for t, kg, m in samples]
    assert results == [None] * len(samples)
    assert detector.last_reset == "out_of_band"


def test_a_jump_after_the_weighing_is_not_a_second_weighing_unless_asked() -> None:
    samples = plateau(0.0, 4.0, 30_000) + plateau(4.0, 4.0, 30_500)
    (weight,) = run(samples)
    assert abs(weight.median_kg - 30_000) <= D
    detector = StableWeightDetector(CONFIG)
    weights = [w for t, kg, m in samples[:40] if (w := detector.feed(t, kg, m))]
    assert len(weights) == 1 and detector.reported
    detector.next_weighing()
    assert not detector.reported
    later = [w for t, kg, m in samples[40:] if (w := detector.feed(t, kg, m))]
    assert len(later) == 1 and abs(later[0].median_kg - 30_500) <= D and later[0].since_s >= 4.0


# --- on-scale threshold and stays ---------------------------------------------------------------


def test_below_the_on_scale_threshold_is_never_a_weighing() -> None:
    assert run(plateau(0.0, 10.0, 480)) == []  # below 500 kg: an empty scale with spilled coal
    assert run(plateau(0.0, 10.0, 500)) != []  # at the threshold: weighed


def test_each_stay_is_weighed_once_and_the_next_truck_again() -> None:
    rng = random.Random(11)
    first = truck(rng, gross_kg=41_000)
    second = truck(rng, gross_kg=16_500, t0=first[-1][0] + 1.0)  # an empty truck's tare
    weights = run(first + second)
    assert len(weights) == 2
    assert abs(weights[0].median_kg - 41_000) <= D and abs(weights[1].median_kg - 16_500) <= D
    # A long stay on the plateau is still one weighing.
    assert len(run(plateau(0.0, 60.0, 30_000))) == 1


def test_a_dip_below_the_threshold_ends_the_stay() -> None:
    samples = plateau(0.0, 4.0, 30_000) + [(4.0, 0, False)] + plateau(4.1, 4.0, 30_000)
    assert len(run(samples)) == 2


# --- time ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_t", [0.9, 1.0, math.nan, math.inf, -math.inf])
def test_out_of_order_duplicate_or_non_finite_times_are_refused(bad_t: float) -> None:
    detector = StableWeightDetector(CONFIG)
    for t in (0.0, 0.5, 1.0):
        detector.feed(t, 30_000, False)
    with pytest.raises(ValueError):
        detector.feed(bad_t, 30_000, False)
    assert detector.window_samples == 3  # the refused reading changed nothing
    assert [detector.feed(t, 30_000, False) is not None for t in (1.5, 2.0, 2.5, 3.0)] == [False] * 3 + [True]


def test_a_silent_line_restarts_the_hold() -> None:
    samples = [(0.0, 30_000, None), (5.0, 30_000, None)]  # two readings 5 s apart are not 5 s of calm
    assert run(samples) == []
    detector = StableWeightDetector(CONFIG)
    for t, kg, m in samples:
        detector.feed(t, kg, m)
    assert detector.last_reset == "gap" and detector.window_samples == 1


def test_the_window_is_bounded() -> None:
    config = StabilityConfig(division_kg=D, on_scale_kg=500, max_window_samples=50)
    detector = StableWeightDetector(config)
    weights = [w for t, kg, m in plateau(0.0, 20.0, 30_000) if (w := detector.feed(t, kg, m))]
    assert len(weights) == 1 and weights[0].samples == 31
    assert detector.window_samples == 50
    # A bound too small for the hold at this rate never reaches it (3 s at 10 Hz needs 31 readings).
    too_small = StabilityConfig(division_kg=D, on_scale_kg=500, max_window_samples=30)
    assert run(plateau(0.0, 20.0, 30_000), too_small) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"division_kg": 0},
        {"k_divisions": 0},
        {"hold_s": 0.0},
        {"hold_s": math.nan},
        {"max_window_samples": 1},
        {"max_gap_s": math.inf},
    ],
)
def test_nonsense_configuration_is_refused(kwargs: dict[str, float]) -> None:
    base: dict[str, float] = {"division_kg": D, "on_scale_kg": 500}
    with pytest.raises(ValueError):
        StabilityConfig(**{**base, **kwargs})  # type: ignore[arg-type]


# --- property-style: random stays against the naive rule -------------------------------------------


def random_day(rng: random.Random) -> Iterator[Sample]:
    """A few trucks with random weights, noise, flags, remote-box steps and dropouts."""
    t = 0.0
    for _ in range(rng.randint(1, 4)):
        stay = truck(
            rng,
            gross_kg=rng.randrange(600, 49_000),
            t0=t,
            ramp_s=rng.uniform(2.0, 6.0),
            settle_s=rng.uniform(0.5, 4.0),
            plateau_s=rng.uniform(0.5, 8.0),
            jitter_kg=rng.choice((0.3, 0.6, 1.2, 2.5)) * D,
            motion_flag=rng.random() < 0.5,
        )
        step_at = rng.randrange(len(stay))
        step = rng.choice((0, 0, rng.randrange(-800, 800, D)))
        shift = 0.0
        for i, (ts, kg, motion) in enumerate(stay):
            if rng.random() < 0.01:
                continue  # a lost frame
            if rng.random() < 0.005:
                shift += rng.uniform(0.5, 3.0)  # the serial line drops out for a while
            yield ts + shift, kg + (step if i >= step_at and kg > 0 else 0), motion
        t = stay[-1][0] + shift + rng.uniform(0.1, 5.0)


def random_case(seed: int) -> tuple[StabilityConfig, list[Sample]]:
    rng = random.Random(seed)
    config = StabilityConfig(
        division_kg=rng.choice((5, 10, 20, 50)),
        on_scale_kg=rng.choice((300, 500, 1000)),
        k_divisions=rng.choice((1, 2)),
        hold_s=rng.choice((2.0, 2.5, 3.0)),
        max_window_samples=rng.choice((40, 64, 1024)),
    )
    return config, list(random_day(rng))


SEEDS = range(60)


def test_the_random_days_do_weigh_trucks() -> None:
    """Guards the property test below against profiles so rough that nothing is ever reported."""
    reported = [len(run(samples, config)) for config, samples in map(random_case, SEEDS)]
    assert sum(reported) >= 40 and sum(1 for n in reported if n == 0) <= 35


@pytest.mark.parametrize("seed", SEEDS)
def test_reports_are_sound_and_agree_with_the_naive_rule(seed: int) -> None:
    config, samples = random_case(seed)
    weights = run(samples, config)
    expected = naive(samples, config)
    assert len(weights) == len(expected)
    for weight, (window, median) in zip(weights, expected, strict=True):
        assert_sound(weight, config)
        kgs = [s[1] for s in window]
        assert weight.median_kg == median
        assert (weight.min_kg, weight.max_kg, weight.samples) == (min(kgs), max(kgs), len(kgs))
        assert (weight.since_s, weight.until_s) == (window[0][0], window[-1][0])
        assert weight.mean == pytest.approx(statistics.fmean(kgs))
        assert weight.stdev == pytest.approx(statistics.stdev(kgs), abs=1e-6)
