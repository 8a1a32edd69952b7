"""Signal gaps, with grace (信号中断): fair to drivers in coverage holes and after blind-area re-uploads.

A gap is raised (vehicles on a waybill only) when a vehicle is silent for `signal_gap_s`: by the
periodic sweep while it is silent, or, if nobody swept (the worker was down), when its next live fix
arrives. No gap when the silence starts in or near a coverage hole (or, on arrival, ends near one or
its straight path crosses one). Raised gaps stay in the state (`gaps`) with the late fix times that
fall inside them (`fills_s`); once late fixes leave no stretch of `signal_gap_s` without a fix, the
gap is withdrawn. Late fixes may come in any order and before or after the live fix that ends the
silence: each arrival re-measures the longest silence of the gaps it falls in.
"""

from __future__ import annotations

import bisect

from geo.pipeline.geodesy import longest_silence_s
from geo.pipeline.model import SIGNAL_GAP, SIGNAL_GAP_WITHDRAWN, Event, Gap, Settings, VehicleState
from geo.pipeline.world import WorldIndex
from geo.position import Position


def _raised(state: VehicleState, waybill_id: str, to_s: float | None, now_s: float) -> Event:
    gap = Gap(from_s=state.last_fix_at_s, lon=state.last_lon, lat=state.last_lat, to_s=to_s, waybill_id=waybill_id)
    state.gaps.append(gap)
    state.gap_reported_from_s = gap.from_s
    return Event(SIGNAL_GAP, state.vehicle_id, gap.from_s, gap.lon, gap.lat, waybill_id=waybill_id,
                 details={"from_s": gap.from_s, "to_s": to_s, "silent_s": (to_s or now_s) - gap.from_s})


def _withdrawn(state: VehicleState, gap: Gap) -> Event:
    state.gaps.remove(gap)
    return Event(SIGNAL_GAP_WITHDRAWN, state.vehicle_id, gap.from_s, gap.lon, gap.lat,
                 waybill_id=gap.waybill_id, details={"from_s": gap.from_s, "to_s": gap.to_s})


def on_late(state: VehicleState, p: Position, settings: Settings) -> list[Event]:
    """A late fix (re-upload or out of order): remember it if it can fill a gap, withdraw what it fills."""
    t = p.fix_at_s
    floor = min([state.last_fix_at_s, *(g.from_s for g in state.gaps)])
    if t <= floor:
        return []
    fills = state.fills_s
    at = bisect.bisect_left(fills, t)
    if at < len(fills) and fills[at] == t:
        return []
    fills.insert(at, t)
    events = [_withdrawn(state, g) for g in list(state.gaps)
              if g.to_s is not None and g.from_s < t < g.to_s
              and longest_silence_s(g.from_s, g.to_s, fills) < settings.signal_gap_s]
    if events:
        _forget_fills(state, state.last_fix_at_s)
    return events


def _forget_fills(state: VehicleState, newest_s: float) -> None:
    """Drop late fix times older than every remaining gap and than the newest live fix: none can use them."""
    floor = min([newest_s, *(g.from_s for g in state.gaps)])
    del state.fills_s[: bisect.bisect_right(state.fills_s, floor)]


def on_live(state: VehicleState, p: Position, waybill_id: str | None, index: WorldIndex,
            settings: Settings, now_s: float) -> list[Event]:
    """A live fix, before the state moves on to it: end an open gap, or raise one nobody swept."""
    events: list[Event] = []
    t, since = p.fix_at_s, state.last_fix_at_s
    fills = state.fills_s
    if state.gaps and state.gaps[-1].to_s is None:
        gap = state.gaps[-1]
        gap.to_s = t
        if longest_silence_s(gap.from_s, t, fills) < settings.signal_gap_s:
            events.append(_withdrawn(state, gap))  # re-uploaded before it came back live
    elif (waybill_id is not None and since > 0.0 and t - since >= settings.signal_gap_s
          and state.gap_reported_from_s != since
          and longest_silence_s(since, t, fills) >= settings.signal_gap_s
          and not index.near_hole(state.last_lon, state.last_lat) and not index.near_hole(p.lon, p.lat)
          and not index.crosses_hole(state.last_lon, state.last_lat, p.lon, p.lat)):
        events.append(_raised(state, waybill_id, t, now_s))
    # Forget what no late fix can fill any more, and fix times no gap can use.
    oldest_s = now_s - settings.archive_past_s
    state.gaps[:] = [g for g in state.gaps if g.to_s is None or g.to_s >= oldest_s]
    _forget_fills(state, t)
    return events


def sweep(states: dict[str, VehicleState], index: WorldIndex, settings: Settings, now_s: float) -> list[Event]:
    """Vehicles on a waybill silent for `signal_gap_s` now: one signal_gap per silence."""
    events: list[Event] = []
    gap_s = settings.signal_gap_s
    for vehicle_id, (_, corridor) in index.corridors.items():
        state = states.get(vehicle_id)
        if state is None or state.last_fix_at_s <= 0.0:
            continue
        since = state.last_fix_at_s
        if now_s - since < gap_s or state.gap_reported_from_s == since:
            continue
        if longest_silence_s(since, now_s, state.fills_s) < gap_s:
            continue  # re-uploads already cover the silence: the terminal is back
        if index.near_hole(state.last_lon, state.last_lat):
            continue
        events.append(_raised(state, corridor.waybill_id, None, now_s))
    return events
