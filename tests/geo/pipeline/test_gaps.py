"""Signal gaps with grace: the sweep, coverage holes, a silence nobody swept, blind-area re-uploads."""

from __future__ import annotations

from geo.pipeline import Pipeline
from geo.pipeline.model import SIGNAL_GAP, SIGNAL_GAP_WITHDRAWN, VehicleState
from geo.position import Position
from tests.geo.pipeline.scenery import T0, drive, kinds, pipeline, run

START = (110.0, 39.0)


def gone_silent(p: Pipeline, to: tuple[float, float], states: dict[str, VehicleState]) -> float:
    """The truck drives from the mine to `to` and goes quiet there; returns its last fix time."""
    track = drive("truck", [START, to], start_s=T0)
    run(p, track, states)
    return track[-1].fix_at_s


def archive(t_from: float, t_to: float, every_s: float, lon: float = 110.06) -> list[Position]:
    n = int((t_to - t_from) // every_s)
    return [Position("truck", t_from + every_s * k, lon, 39.0, archive=True) for k in range(1, n + 1)]


def back(t: float, lon: float = 110.07) -> list[Position]:
    return [Position("truck", t, lon, 39.0, speed_kmh=36.0)]


def test_silence_outside_holes_gives_exactly_one_gap_via_sweep() -> None:
    p, states = pipeline(), {}
    last = gone_silent(p, (110.05, 39.0), states)
    assert p.sweep(states, now_s=last + 300) == []
    raised = p.sweep(states, now_s=last + 600)
    assert kinds(raised) == [SIGNAL_GAP]
    assert raised[0].at_s == last and raised[0].waybill_id == "wb-1" and raised[0].details["from_s"] == last
    assert p.sweep(states, now_s=last + 700) == [] and p.sweep(states, now_s=last + 3_000) == []
    # Coming back ends it without a second event; a later silence is a new gap.
    assert run(p, back(last + 900), states) == []
    assert kinds(p.sweep(states, now_s=last + 1_500)) == [SIGNAL_GAP]


def test_silence_in_or_near_a_coverage_hole_is_no_gap() -> None:
    for where in ((110.2, 39.0), (110.207, 39.0)):  # in the hole; ~350 m past its edge
        p, states = pipeline(), {}
        last = gone_silent(p, where, states)
        assert p.sweep(states, now_s=last + 1_200) == []


def test_only_vehicles_on_a_waybill() -> None:
    p, states = pipeline(), {}
    run(p, drive("other", [START, (110.05, 39.0)], start_s=T0), states)
    assert p.sweep(states, now_s=T0 + 10_000) == []


def test_a_gap_filled_by_a_reupload_is_withdrawn() -> None:
    p, states = pipeline(), {}
    last = gone_silent(p, (110.05, 39.0), states)
    assert kinds(p.sweep(states, now_s=last + 600)) == [SIGNAL_GAP]
    assert run(p, back(last + 900), states) == []
    events = run(p, archive(last, last + 900, 30.0), states, now_s=last + 1_000)
    assert kinds(events) == [SIGNAL_GAP_WITHDRAWN]
    assert events[0].details["from_s"] == last and events[0].waybill_id == "wb-1"
    assert states["truck"].gaps == [] and states["truck"].fills_s == []


def test_reupload_out_of_order_withdraws_only_once_filled() -> None:
    p, states = pipeline(), {}
    last = gone_silent(p, (110.05, 39.0), states)
    p.sweep(states, now_s=last + 600)
    run(p, back(last + 1_500), states)
    fills = archive(last, last + 1_500, 60.0)
    late_half, early_half = fills[len(fills) // 2 :], fills[: len(fills) // 2]
    assert run(p, list(reversed(late_half)), states, now_s=last + 1_600) == []  # 12 min still silent
    assert kinds(run(p, early_half, states, now_s=last + 1_600)) == [SIGNAL_GAP_WITHDRAWN]


def test_a_partial_reupload_leaves_the_gap() -> None:
    p, states = pipeline(), {}
    last = gone_silent(p, (110.05, 39.0), states)
    p.sweep(states, now_s=last + 600)
    run(p, back(last + 1_800), states)
    assert run(p, archive(last, last + 900, 30.0), states, now_s=last + 1_900) == []  # 15 min left dark
    assert len(states["truck"].gaps) == 1


def test_reupload_before_the_live_fix_withdraws_on_return() -> None:
    p, states = pipeline(), {}
    last = gone_silent(p, (110.05, 39.0), states)
    p.sweep(states, now_s=last + 600)
    assert run(p, archive(last, last + 880, 30.0), states, now_s=last + 890) == []
    assert kinds(run(p, back(last + 900), states)) == [SIGNAL_GAP_WITHDRAWN]


def test_silence_nobody_swept_is_raised_when_the_fix_arrives() -> None:
    p, states = pipeline(), {}
    last = gone_silent(p, (110.05, 39.0), states)
    events = run(p, back(last + 900), states)  # the worker was down: no sweep ran
    assert kinds(events) == [SIGNAL_GAP] and events[0].details["to_s"] == last + 900
    assert p.sweep(states, now_s=last + 1_000) == []
    assert kinds(run(p, archive(last, last + 900, 30.0), states, now_s=last + 1_000)) == [SIGNAL_GAP_WITHDRAWN]


def test_no_gap_on_arrival_when_reuploads_came_first() -> None:
    p, states = pipeline(), {}
    last = gone_silent(p, (110.05, 39.0), states)
    assert run(p, archive(last, last + 880, 30.0) + back(last + 900), states) == []


def test_no_gap_on_arrival_at_or_across_a_hole() -> None:
    p, states = pipeline(), {}
    last = gone_silent(p, (110.18, 39.0), states)  # ~1.3 km before the hole's margin
    assert run(p, back(last + 900, lon=110.22), states) == []  # the straight path crosses the hole
    p, states = pipeline(), {}
    last = gone_silent(p, (110.15, 39.0), states)
    assert run(p, back(last + 900, lon=110.198), states) == []  # it came back inside the hole
    p, states = pipeline(), {}
    last = gone_silent(p, (110.15, 39.0), states)
    assert kinds(run(p, back(last + 900, lon=110.16), states)) == [SIGNAL_GAP]
