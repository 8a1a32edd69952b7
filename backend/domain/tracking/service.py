"""Tracking's public face: positions, the latest fix per vehicle, per-vehicle pipeline states, stored
GPS events, regulators' zones and the world version the GPS workers reload on."""

from __future__ import annotations

from backend.domain.tracking.errors import bad_position, no_vehicle, vehicle_not_driven
from backend.domain.tracking.gps_events import (
    attach,
    event_by_id,
    event_out,
    of_vehicle_between,
    of_waybill,
    set_alert,
    store,
    withdraw_gap,
)
from backend.domain.tracking.latest import get_many, rebuild, update
from backend.domain.tracking.messages import text
from backend.domain.tracking.positions import at, insert_positions, newest_per_vehicle, track
from backend.domain.tracking.states import load, save
from backend.domain.tracking.zones import (
    WORLD_VERSION_KEY,
    bump_world,
    create_zone,
    delete_zone,
    list_zones,
    world_changed,
    world_zones,
)

__all__ = ["WORLD_VERSION_KEY", "at", "attach", "bad_position", "bump_world", "create_zone",
    "delete_zone", "event_by_id", "event_out", "of_vehicle_between", "get_many", "insert_positions", "list_zones", "load", "newest_per_vehicle",
    "no_vehicle", "of_waybill", "rebuild", "save", "set_alert", "store", "text", "track", "update",
    "vehicle_not_driven", "withdraw_gap", "world_changed", "world_zones"]
