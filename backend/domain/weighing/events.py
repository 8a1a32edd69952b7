"""Facts the weighing feature announces (backend/events.py): settlements, reconciliation and
alerts subscribe here instead of being called by the lane."""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.events import Event


class TicketIssued(Event, frozen=True, kw_only=True):
    """An e-weigh ticket was issued for an order. `replaces`: the ticket number it voided (a
    supervised re-weigh), else None."""

    ticket_no: str
    order_id: uuid.UUID
    site_id: uuid.UUID
    net_kg: int
    issued_at: datetime
    replaces: str | None
