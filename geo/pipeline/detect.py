"""Step 5, detect: events from live fixes, in fix-time order per vehicle, against the vehicle's state.

Late fixes (re-uploads, out of order) only feed the signal-gap grace: they are in the track but raise
no enter, exit, corridor, stop or overspeed event (Traccar skips them the same way). The loop does
plain attribute compares per fix; shapely and distances run only when something changes.
"""

from __future__ import annotations

from geo.pipeline import gaps
from geo.pipeline.batch import NOT_TAGGED, Batch
from geo.pipeline.exits import judge_exit
from geo.pipeline.geodesy import distance_m
from geo.pipeline.model import (
    CORRIDOR_LEAVE,
    CORRIDOR_RETURN,
    EXIT_NOT_DESIGNATED,
    LONG_STOP,
    OVERSPEED,
    SITE_ENTER,
    SITE_EXIT,
    Event,
    Settings,
    VehicleState,
)
from geo.pipeline.world import WorldIndex
from geo.position import Position


def detect(batch: Batch) -> None:
    rows, states, live = batch.rows, batch.states, batch.live
    index, s, now_s = batch.index, batch.settings, batch.now_s
    events = batch.events
    site_hits, zone_hits, corridor_in = batch.site_hits, batch.zone_hits, batch.corridor_in
    corridors = index.corridors
    gap_s = s.signal_gap_s
    for i, p in enumerate(rows):
        state = states[i]
        if not live[i]:
            if state.gaps or p.vehicle_id in corridors:  # only gaps of vehicles on a waybill exist
                events.extend(gaps.on_late(state, p, s))
            continue
        found = corridors.get(p.vehicle_id)
        corridor = found[1] if found is not None else None
        waybill_id = corridor.waybill_id if corridor is not None else None
        if state.waybill_id != waybill_id:  # a new waybill: its corridor and stops start afresh
            state.waybill_id, state.in_corridor, state.stop_since_s, state.stop_reported = waybill_id, True, None, False
        t = p.fix_at_s
        if state.gaps or state.fills_s or (waybill_id is not None and t - state.last_fix_at_s >= gap_s):
            events.extend(gaps.on_live(state, p, waybill_id, index, s, now_s))
        sites = site_hits.get(i, NOT_TAGGED)
        if sites != state.sites:
            _sites_changed(state, p, sites, waybill_id, index, s, events)
        zones = zone_hits.get(i, NOT_TAGGED)
        if zones != state.zones:
            state.zones = list(zones)
        if corridor is not None:
            inside = corridor_in.get(i, True) or corridor.origin_site_id in sites or corridor.destination_site_id in sites
            if inside != state.in_corridor:
                state.in_corridor = inside
                events.append(Event(CORRIDOR_RETURN if inside else CORRIDOR_LEAVE, p.vehicle_id, t, p.lon, p.lat,
                                    waybill_id=waybill_id, details={"width_m": corridor.width_m}))
            _long_stop(state, p, sites, zones, waybill_id, index, s, events)
        _overspeed(state, p, waybill_id, s, events)
        state.last_fix_at_s, state.last_lon, state.last_lat = t, p.lon, p.lat
        if p.received_at_s > state.last_received_at_s:
            state.last_received_at_s = p.received_at_s


def _sites_changed(state: VehicleState, p: Position, sites: list[str], waybill_id: str | None,
                   index: WorldIndex, s: Settings, events: list[Event]) -> None:
    for site_id in state.sites:
        if site_id in sites:
            continue
        events.append(Event(SITE_EXIT, p.vehicle_id, p.fix_at_s, p.lon, p.lat, site_id=site_id, waybill_id=waybill_id))
        entry = index.sites.get(site_id)
        if entry is None or state.last_fix_at_s <= 0.0:
            continue  # the site left the world, or there is no fix inside to start the segment from
        details = judge_exit(entry, inside=(state.last_lon, state.last_lat), outside=(p.lon, p.lat),
                             tolerance_m=s.exit_tolerance_m)
        if details is not None:
            events.append(Event(EXIT_NOT_DESIGNATED, p.vehicle_id, p.fix_at_s, p.lon, p.lat, site_id=site_id,
                                waybill_id=waybill_id, details=details))
    for site_id in sites:
        if site_id not in state.sites:
            events.append(Event(SITE_ENTER, p.vehicle_id, p.fix_at_s, p.lon, p.lat, site_id=site_id, waybill_id=waybill_id))
    state.sites = list(sites)


def _long_stop(state: VehicleState, p: Position, sites: list[str], zones: list[str], waybill_id: str | None,
               index: WorldIndex, s: Settings, events: list[Event]) -> None:
    if p.speed_kmh >= s.stop_speed_kmh:
        if state.stop_since_s is not None:
            state.stop_since_s, state.stop_reported = None, False
        return
    since = state.stop_since_s
    if since is None or distance_m(state.stop_lon, state.stop_lat, p.lon, p.lat) > s.stop_radius_m:
        state.stop_since_s, state.stop_lon, state.stop_lat, state.stop_reported = p.fix_at_s, p.lon, p.lat, False
        return
    if state.stop_reported or p.fix_at_s - since < s.long_stop_s or sites:
        return
    if any(zone_id in index.known_places for zone_id in zones):
        return
    state.stop_reported = True
    events.append(Event(LONG_STOP, p.vehicle_id, p.fix_at_s, state.stop_lon, state.stop_lat, waybill_id=waybill_id,
                        details={"since_s": since, "stopped_s": p.fix_at_s - since}))


def _overspeed(state: VehicleState, p: Position, waybill_id: str | None, s: Settings, events: list[Event]) -> None:
    if p.speed_kmh <= s.overspeed_kmh:
        if state.overspeed_since_s is not None:
            state.overspeed_since_s, state.overspeed_reported = None, False
        return
    if state.overspeed_since_s is None:
        state.overspeed_since_s, state.overspeed_reported = p.fix_at_s, False
    if not state.overspeed_reported and p.fix_at_s - state.overspeed_since_s >= s.overspeed_min_s:
        state.overspeed_reported = True
        events.append(Event(OVERSPEED, p.vehicle_id, p.fix_at_s, p.lon, p.lat, waybill_id=waybill_id,
                            details={"since_s": state.overspeed_since_s, "speed_kmh": p.speed_kmh,
                                     "limit_kmh": s.overspeed_kmh}))
