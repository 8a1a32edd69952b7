"""Facts the waybills feature announces (backend/events.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.events import Event


class WaybillOpened(Event, frozen=True, kw_only=True):
    waybill_id: uuid.UUID
    order_id: uuid.UUID
    opened_by: str  # "gate", "gps", "open_api"
    departed_at: datetime


class WaybillClosed(Event, frozen=True, kw_only=True):
    """The load reached its destination (`arrived`, seen by GPS) or the consignee weighed it
    (`received`, with its net)."""

    waybill_id: uuid.UUID
    order_id: uuid.UUID
    status: str
    at: datetime
    received_net_kg: int | None
