"""Steps 3-5 of a cycle, on the scale: the truck arrives, stands right, is weighed, and leaves.

Position is right only while both gratings are clear (a wheel off the platform blocks one, and its
weight is then wrong): a reading taken while a grating is blocked is never fed to the stable-weight
detector, and the hold starts again once the truck stands right. Every reading from the arrival on
goes into the trace, blocked or not, so the platform sees the whole stay.
"""

from __future__ import annotations

import asyncio

from devices.lane.parts import LaneParts
from devices.lane.states import GREEN, RED
from devices.lane.trace import WeightTrace
from devices.lane.weighing import Capture
from devices.weighbridge.base import Sample
from devices.weighbridge.stable import StableWeightDetector

# While the truck stands wrong, the voice repeats itself this often (a driver may not hear it once).
REPEAT_POSITION_S = 10.0


async def _next(lane: LaneParts, after: Sample | None, deadline_s: float | None) -> Sample | None:
    if deadline_s is None:
        return await lane.feed.next(after)
    remaining_s = deadline_s - lane.clock()
    if remaining_s <= 0:
        return None
    try:
        async with asyncio.timeout(remaining_s):
            return await lane.feed.next(after)
    except TimeoutError:
        return None


async def wait_on_scale(lane: LaneParts) -> Sample | None:
    """The first reading at or above the on-scale threshold, or None after the position wait."""
    deadline_s = lane.clock() + lane.config.timeouts.position_wait_s
    sample = lane.feed.latest
    while True:
        sample = await _next(lane, sample, deadline_s)
        if sample is None or sample.kg >= lane.config.stability.on_scale_kg:
            return sample


async def capture_weight(lane: LaneParts, first: Sample) -> Capture | None:
    """The stable weight of the truck that arrived with `first`, or None after the weigh timeout."""
    on_scale_at = lane.wall_clock()
    trace = WeightTrace(t0_s=first.t_s)
    detector = StableWeightDetector(lane.config.stability)
    deadline_s = lane.clock() + lane.config.timeouts.weigh_s
    positioned: bool | None = None
    warned_at_s = 0.0
    sample: Sample | None = first
    while sample is not None:
        sensors = await lane.read_sensors()
        trace.add(sample.t_s, sample.kg, clear=sensors.gratings_clear)
        if not sensors.gratings_clear:
            detector.reset()
            if positioned is not False or lane.clock() - warned_at_s >= REPEAT_POSITION_S:
                await lane.tell_code("position_error", level=RED, state="positioning")
                warned_at_s = lane.clock()
            positioned = False
        else:
            if positioned is not True:
                await lane.tell_code("weighing", say=positioned is False, state="weighing")
            positioned = True
            stable = detector.feed(sample.t_s, sample.kg, sample.motion)
            if stable is not None:
                return Capture(stable=stable, trace=trace.points(), on_scale_at=on_scale_at,
                               weighed_at=lane.wall_clock(), sensors=sensors)
        sample = await _next(lane, sample, deadline_s)
    return None


async def wait_gone(lane: LaneParts) -> None:
    """Until the scale reads below empty_kg with both gratings clear, for gone_hold_s."""
    empty_since_s: float | None = None
    sample = lane.feed.latest
    while True:
        sample = await lane.feed.next(sample)
        sensors = await lane.read_sensors()
        if sample.kg < lane.config.empty_kg and sensors.gratings_clear:
            empty_since_s = sample.t_s if empty_since_s is None else empty_since_s
            if sample.t_s - empty_since_s >= lane.config.timeouts.gone_hold_s:
                return
        else:
            empty_since_s = None


async def show_drive_on(lane: LaneParts, message_zh: str, message_en: str) -> None:
    """The decision's own words (the platform's, or the offline gate's), else "请上磅"."""
    if message_zh:
        await lane.tell(message_zh, message_en, level=GREEN, state="entering")
    else:
        await lane.tell_code("drive_on", level=GREEN, state="entering")
