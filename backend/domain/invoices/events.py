"""Facts the invoices feature announces (backend/events.py)."""

from __future__ import annotations

import uuid

from backend.events import Event


class InvoiceRecorded(Event, frozen=True, kw_only=True):
    """A transport invoice was stored and checked; `order_ids`: the pickup orders of the waybills it bills."""

    invoice_id: uuid.UUID
    order_ids: tuple[uuid.UUID, ...]
