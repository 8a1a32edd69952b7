"""Facts the orders feature announces (backend/events.py). Subscribers live in the features that
react: waybills open one when a ticketed truck leaves its site; later features (settlements,
alerts) subscribe here instead of being called by the gate."""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.events import Event


class VehicleLeftSite(Event, frozen=True, kw_only=True):
    """A truck passed a site's out-gate for this order (online, offline upload or guard).
    `ticketed`: the order was completed (its weigh ticket issued) when the truck left."""

    order_id: uuid.UUID
    site_id: uuid.UUID
    left_at: datetime
    ticketed: bool
    mode: str  # "online", "offline", "lane": how the gate knew


class OrderClosed(Event, frozen=True, kw_only=True):
    """An order reached a final status other than completed: cancelled or expired. Its tonnage has
    been given back to the contract and its truck has left the queue."""

    order_id: uuid.UUID
    status: str
    closed_at: datetime


class OrderCompleted(Event, frozen=True, kw_only=True):
    """The order's weigh ticket was issued: the load is sold (a waybill follows at the gate-out)."""

    order_id: uuid.UUID
    completed_at: datetime
