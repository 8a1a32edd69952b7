"""The pipeline's vocabulary: the world it tags against, the per-vehicle state it carries between
batches, and the events it raises. Plain data: the worker loads the world from the database, keeps
the states (and persists them with each batch), and stores the events.

Every class here is a msgspec Struct, so state and events serialise (JSON or MessagePack) without
glue. Geometry stays GeoJSON here; the pipeline builds its shapely index from it once per world.
"""

from __future__ import annotations

from typing import Any

import msgspec

# Event kinds (stable strings: stored, shown, tested).
SITE_ENTER = "site_enter"
SITE_EXIT = "site_exit"
EXIT_NOT_DESIGNATED = "exit_not_designated"  # left a site's fence away from every designated exit
CORRIDOR_LEAVE = "corridor_leave"
CORRIDOR_RETURN = "corridor_return"
LONG_STOP = "long_stop"  # stopped too long outside every known place
SIGNAL_GAP = "signal_gap"  # silent too long outside every coverage hole
SIGNAL_GAP_WITHDRAWN = "signal_gap_withdrawn"  # a blind-area re-upload filled a gap raised earlier
OVERSPEED = "overspeed"
EVENT_KINDS = (SITE_ENTER, SITE_EXIT, EXIT_NOT_DESIGNATED, CORRIDOR_LEAVE, CORRIDOR_RETURN, LONG_STOP,
               SIGNAL_GAP, SIGNAL_GAP_WITHDRAWN, OVERSPEED)

# Zone kinds besides sites.
ZONE_CHECKPOINT = "checkpoint"  # 卡口: a known place (stops there are fine)
ZONE_COVERAGE_HOLE = "coverage_hole"  # 信号盲区: a known place without mobile coverage
ZONE_PARKING = "parking"  # a service area or truck park: a known place


class Exit(msgspec.Struct, frozen=True):
    """A gate of a site, as a point; only designated out/both gates are legal ways out."""

    lon: float
    lat: float
    designated: bool = True
    direction: str = "both"  # in | out | both
    name: str = ""


class Site(msgspec.Struct, frozen=True):
    id: str
    name: str
    fence: dict[str, Any]  # GeoJSON Polygon or MultiPolygon, [lon, lat]
    exits: tuple[Exit, ...] = ()
    org_id: str = ""


class Zone(msgspec.Struct, frozen=True):
    id: str
    kind: str  # checkpoint | coverage_hole | parking
    name: str
    geometry: dict[str, Any]  # GeoJSON Polygon or MultiPolygon


class Corridor(msgspec.Struct, frozen=True):
    """What a vehicle on a waybill must keep to: its planned route buffered to `width_m` (each side),
    from its origin to its destination. Without a planned route the corridor is the straight line."""

    waybill_id: str
    vehicle_id: str
    route: dict[str, Any]  # GeoJSON LineString, [lon, lat]
    width_m: float
    origin_site_id: str | None = None
    destination_site_id: str | None = None


class World(msgspec.Struct, frozen=True):
    sites: tuple[Site, ...] = ()
    zones: tuple[Zone, ...] = ()
    corridors: tuple[Corridor, ...] = ()  # one per vehicle on an open waybill


class Settings(msgspec.Struct, frozen=True):
    max_speed_kmh: float = 160.0  # a jump implying more than this between fixes is dropped
    min_period_s: float = 1.0  # fixes closer than this to the last kept one are dropped
    future_s: float = 300.0  # fix times further ahead of now are dropped
    past_s: float = 86_400.0  # live fixes older than this are dropped
    archive_past_s: float = 7 * 86_400.0  # blind-area re-uploads may be this old
    exit_tolerance_m: float = 60.0  # a fence crossing this close to a designated exit is legal
    long_stop_s: float = 1_800.0  # stopped (speed below `stop_speed_kmh`) this long, outside known places
    stop_speed_kmh: float = 3.0
    stop_radius_m: float = 100.0  # wandering within this radius still counts as one stop
    signal_gap_s: float = 600.0  # silent this long on a waybill → signal_gap (Traccar's status.timeout)
    overspeed_kmh: float = 80.0  # 重型货车 limit on ordinary roads (GB 7258 / road traffic law: 80 km/h)
    overspeed_min_s: float = 30.0  # one event per episode, once it lasts this long
    # The service box: fixes outside it are refused (a [lat, lon] swap lands far outside China).
    service_lon_min: float = 73.0
    service_lon_max: float = 135.5
    service_lat_min: float = 3.0
    service_lat_max: float = 54.0
    hole_margin_m: float = 500.0  # a silence starting this close to a coverage hole is the hole's
    # This many live fixes in a row that agree with each other but "jump" from the last kept one:
    # the last kept one was the outlier (say a bad first fix), so the last of them is kept.
    jump_reset_fixes: int = 3


class Gap(msgspec.Struct):
    """A signal_gap raised for a vehicle, kept until a re-upload fills it or it is too old to be filled."""

    from_s: float  # the last fix before the silence
    lon: float
    lat: float
    to_s: float | None = None  # the first live fix after it; None while still silent
    waybill_id: str | None = None


class VehicleState(msgspec.Struct):
    """What the pipeline remembers of one vehicle between batches (persisted by the worker)."""

    vehicle_id: str
    last_fix_at_s: float = 0.0  # newest accepted fix (live order); late fixes never move it back
    last_lon: float = 0.0
    last_lat: float = 0.0
    sites: list[str] = msgspec.field(default_factory=list)  # site ids it is inside
    zones: list[str] = msgspec.field(default_factory=list)  # zone ids it is inside
    in_corridor: bool = True
    stop_since_s: float | None = None
    stop_lon: float = 0.0
    stop_lat: float = 0.0
    stop_reported: bool = False
    overspeed_since_s: float | None = None
    overspeed_reported: bool = False
    gap_reported_from_s: float | None = None  # a signal_gap raised for silence since this fix time
    last_received_at_s: float = 0.0
    waybill_id: str | None = None  # the corridor the in_corridor/stop fields refer to
    gaps: list[Gap] = msgspec.field(default_factory=list)  # raised gaps a re-upload may still fill
    fills_s: list[float] = msgspec.field(default_factory=list)  # late fix times that may fill a gap, sorted
    jumps_in_row: int = 0  # live fixes dropped as jumps in a row, each plausible from the one before
    jump_at_s: float = 0.0  # the last of them
    jump_lon: float = 0.0
    jump_lat: float = 0.0


class Event(msgspec.Struct, frozen=True):
    kind: str
    vehicle_id: str
    at_s: float  # the fix time it happened at (UTC epoch s)
    lon: float
    lat: float
    site_id: str | None = None
    zone_id: str | None = None
    waybill_id: str | None = None
    details: dict[str, Any] = msgspec.field(default_factory=dict)
