"""The state carries everything across batches: a track split anywhere, with the states sent through
msgspec JSON between the pieces (a worker restart), raises exactly the events of one batch."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.pipeline import Pipeline
from geo.pipeline.model import (
    CORRIDOR_LEAVE,
    CORRIDOR_RETURN,
    EXIT_NOT_DESIGNATED,
    LONG_STOP,
    OVERSPEED,
    SIGNAL_GAP,
    SIGNAL_GAP_WITHDRAWN,
    SITE_ENTER,
    SITE_EXIT,
    Event,
    VehicleState,
)
from geo.position import Position
from tests.geo.pipeline.scenery import T0, drive, pipeline, stay


def whole_day() -> tuple[list[Position], list[Position]]:
    """The truck leaves the mine (through the way-in gate), strays, stops, speeds, goes dark, arrives;
    a car crosses the mine. Then the truck re-uploads its blind-area fixes."""
    out = drive("truck", [(110.0, 39.0), (110.04, 39.0), (110.05, 39.02), (110.06, 39.0)], start_s=T0)
    out += stay("truck", 110.062, 39.0, start_s=out[-1].fix_at_s + 30, for_s=2_100)
    out += drive("truck", [(110.065, 39.0), (110.09, 39.0)], start_s=out[-1].fix_at_s + 30, speed_kmh=95.0)
    dark_from = out[-1].fix_at_s
    out += drive("truck", [(110.15, 39.0), (110.3, 39.0)], start_s=dark_from + 1_200)  # 20 min silent
    out += drive("car", [(110.0, 38.99), (110.0, 39.0), (110.0, 39.01)], start_s=T0 + 100)
    reupload = [Position("truck", dark_from + 40 * k, 110.09 + 0.0006 * k, 39.0, archive=True) for k in range(1, 30)]
    return sorted(out, key=lambda p: p.fix_at_s), reupload


TRACK, REUPLOAD = whole_day()
PIPELINE = pipeline()
ENCODE, DECODE = msgspec.json.encode, msgspec.json.Decoder(dict[str, VehicleState]).decode


def run_in_pieces(p: Pipeline, cuts: list[int]) -> tuple[list[Event], bytes]:
    """The live track cut into batches at `cuts`, then the re-upload; events in per-vehicle order."""
    states: dict[str, VehicleState] = {}
    events: list[Event] = []
    bounds = [0, *sorted(set(cuts)), len(TRACK)]
    pieces = [TRACK[a:b] for a, b in zip(bounds, bounds[1:], strict=False)] + [REUPLOAD]
    for piece in pieces:
        if not piece:
            continue
        now_s = max(x.fix_at_s for x in piece) + 1.0
        events += p.process(piece, states, now_s=now_s).events
        states = DECODE(ENCODE(states))  # the worker persists and reloads
    return sorted(events, key=lambda e: e.vehicle_id), ENCODE(dict(sorted(states.items())))  # stable sort


WHOLE_EVENTS, WHOLE_STATE = run_in_pieces(PIPELINE, [])


def test_the_day_raises_every_kind() -> None:
    assert {e.kind for e in WHOLE_EVENTS} == {SITE_ENTER, SITE_EXIT, EXIT_NOT_DESIGNATED, CORRIDOR_LEAVE,
                                               CORRIDOR_RETURN, LONG_STOP, OVERSPEED, SIGNAL_GAP,
                                               SIGNAL_GAP_WITHDRAWN}
    assert [e.kind for e in WHOLE_EVENTS if "signal" in e.kind] == [SIGNAL_GAP, SIGNAL_GAP_WITHDRAWN]


def test_split_mid_stop_and_mid_overspeed() -> None:
    stop_at = next(i for i, p in enumerate(TRACK) if p.vehicle_id == "truck" and p.speed_kmh == 0.0) + 30
    fast_at = next(i for i, p in enumerate(TRACK) if p.speed_kmh > 90.0) + 2
    assert run_in_pieces(PIPELINE, [stop_at, fast_at]) == (WHOLE_EVENTS, WHOLE_STATE)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(TRACK) - 1), max_size=4))
def test_any_split_gives_the_same_events_and_state(cuts: list[int]) -> None:
    assert run_in_pieces(PIPELINE, cuts) == (WHOLE_EVENTS, WHOLE_STATE)
