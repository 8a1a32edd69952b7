"""Step 3, filter noise: fix times too far ahead or behind, jumps, fixes too close together.

Time windows are numpy masks. Jumps and the minimum period compare a fix with the previous *kept*
fix of its vehicle in time order (the vehicle's last accepted fix counts, at its time), so dropping
one fix changes what the next is compared with. The distances are computed for the whole batch at
once against the row before (or the last accepted fix); the loop recomputes one only when the row
before was dropped. Also marks each row live (newer than the last accepted fix, not a re-upload) or
late (fills the track only). A run of `jump_reset_fixes` live jumps that agree with each other
outvotes the last kept fix: without it, one bad first fix would drop a vehicle's track for hours.
"""

from __future__ import annotations

import math

import numpy as np

from geo.pipeline.batch import Batch
from geo.pipeline.geodesy import distance_m, haversine_m
from geo.pipeline.model import VehicleState
from geo.position import Position


def filter_noise(batch: Batch) -> None:
    rows = batch.rows
    if not rows:
        return
    s, now = batch.settings, batch.now_s
    n = len(rows)
    t = np.fromiter((p.fix_at_s for p in rows), dtype=float, count=n)
    archive = np.fromiter((p.archive for p in rows), dtype=bool, count=n)
    future = t > now + s.future_s
    past = ~future & (t < np.where(archive, now - s.archive_past_s, now - s.past_s))
    batch.drop("future", future)
    batch.drop("past", past)
    batch.keep(~(future | past))
    _chain(batch)


def _chain(batch: Batch) -> None:
    rows, states = batch.rows, batch.states
    n = len(rows)
    if not n:
        return
    # Pass 1: the fix each row would be compared with if nothing were dropped.
    lon = np.fromiter((p.lon for p in rows), dtype=float, count=n)
    lat = np.fromiter((p.lat for p in rows), dtype=float, count=n)
    t = np.fromiter((p.fix_at_s for p in rows), dtype=float, count=n)
    prev_lon, prev_lat, prev_t = np.empty(n), np.empty(n), np.full(n, math.nan)
    before = None
    for i, p in enumerate(rows):
        state = states[i]
        anchor = state.last_fix_at_s
        if before is not None and before.vehicle_id == p.vehicle_id and before.fix_at_s > anchor:
            prev_lon[i], prev_lat[i], prev_t[i] = before.lon, before.lat, before.fix_at_s
        elif 0.0 < anchor < p.fix_at_s:
            prev_lon[i], prev_lat[i], prev_t[i] = state.last_lon, state.last_lat, anchor
        elif before is not None and before.vehicle_id == p.vehicle_id:
            prev_lon[i], prev_lat[i], prev_t[i] = before.lon, before.lat, before.fix_at_s
        before = p
    has_prev = ~np.isnan(prev_t)
    dt = np.where(has_prev, t - np.where(has_prev, prev_t, 0.0), math.inf)
    metres = np.where(has_prev, haversine_m(lon, lat, np.where(has_prev, prev_lon, lon), np.where(has_prev, prev_lat, lat)), 0.0)
    dt_list, metres_list, prev_list = dt.tolist(), metres.tolist(), prev_t.tolist()

    # Pass 2: the real chain of kept fixes.
    s = batch.settings
    min_period_s, max_mps = s.min_period_s, s.max_speed_kmh / 3.6
    keep = np.ones(n, dtype=bool)
    live: list[bool] = []
    vehicle_id = None
    last: tuple[float, float, float] | None = None  # (t, lon, lat) of the last kept fix of this vehicle
    too_frequent = jumps = 0
    for i, p in enumerate(rows):
        state = states[i]
        if p.vehicle_id != vehicle_id:
            vehicle_id, last = p.vehicle_id, None
        anchor = state.last_fix_at_s
        true_prev = last
        if 0.0 < anchor < p.fix_at_s and (true_prev is None or true_prev[0] < anchor):
            true_prev = (anchor, state.last_lon, state.last_lat)
        if true_prev is not None:
            if true_prev[0] == prev_list[i]:
                gap_s, metres_i = dt_list[i], metres_list[i]
            else:  # the row before was dropped: measure against the fix actually kept
                gap_s = p.fix_at_s - true_prev[0]
                metres_i = distance_m(p.lon, p.lat, true_prev[1], true_prev[2])
            if gap_s < min_period_s:
                keep[i] = False
                too_frequent += 1
                continue
            if metres_i > max_mps * gap_s:
                is_live = not p.archive and p.fix_at_s > anchor
                if not (is_live and _outlier_behind(state, p, max_mps, min_period_s, s.jump_reset_fixes)):
                    keep[i] = False
                    jumps += 1
                    continue
        last = (p.fix_at_s, p.lon, p.lat)
        is_live = not p.archive and p.fix_at_s > anchor
        if is_live and state.jumps_in_row:
            state.jumps_in_row = 0
        live.append(is_live)
    batch.dropped["too_frequent"] += too_frequent
    batch.dropped["jump"] += jumps
    batch.keep(keep)
    batch.live = live


def _outlier_behind(state: VehicleState, p: Position, max_mps: float, min_period_s: float, reset_fixes: int) -> bool:
    """Count a live jump into the run of jumps that agree with each other; True once the run is long
    enough to believe it over the last kept fix (which then was the outlier)."""
    dt = p.fix_at_s - state.jump_at_s
    if state.jumps_in_row and dt >= min_period_s and distance_m(p.lon, p.lat, state.jump_lon, state.jump_lat) <= max_mps * dt:
        state.jumps_in_row += 1
    else:
        state.jumps_in_row = 1
    state.jump_at_s, state.jump_lon, state.jump_lat = p.fix_at_s, p.lon, p.lat
    if state.jumps_in_row < reset_fixes:
        return False
    state.jumps_in_row = 0
    return True
