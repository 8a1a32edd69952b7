"""Facts the payments feature announces (backend/events.py)."""

from __future__ import annotations

import uuid

from backend.events import Event


class PaymentRecorded(Event, frozen=True, kw_only=True):
    """A payment was stored and checked; `order_ids`: the pickup orders of what it pays, when known."""

    payment_id: uuid.UUID
    order_ids: tuple[uuid.UUID, ...]
