"""Facts the vehicles feature announces (backend/events.py)."""

from __future__ import annotations

import uuid

from backend.events import Event


class VehicleRetired(Event, frozen=True, kw_only=True):
    """A vehicle left service (注销): its plate is free for a new registration, and whatever was
    bound to the old record (a GPS terminal) must let go of it."""

    vehicle_id: uuid.UUID
    plate: str
