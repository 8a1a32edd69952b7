"""Tracking's public face: positions, the latest fix per vehicle, per-vehicle pipeline states, stored
GPS events, regulators' zones and the world version the GPS workers reload on."""

from __future__ import annotations

from backend.domain.tracking.zones import (
    WORLD_VERSION_KEY,
    bump_world,
    create_zone,
    delete_zone,
    list_zones,
    world_changed,
    world_zones,
)

__all__ = ["WORLD_VERSION_KEY", "bump_world", "create_zone", "delete_zone", "list_zones", "world_changed",
           "world_zones"]
