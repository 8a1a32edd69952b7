"""Facts the settlements feature announces (backend/events.py): reconciliation subscribes here.
`order_ids`: the pickup orders of the settlement's loads, one per line."""

from __future__ import annotations

import uuid

from backend.events import Event


class SettlementIssued(Event, frozen=True, kw_only=True):
    """A settlement (or a new version of one) was issued for a contract's loads."""

    settlement_id: uuid.UUID
    settlement_no: str
    version: int
    contract_id: uuid.UUID
    order_ids: tuple[uuid.UUID, ...]


class SettlementConfirmed(Event, frozen=True, kw_only=True):
    """Both parties confirmed a settlement: its figures stand."""

    settlement_id: uuid.UUID
    settlement_no: str
    version: int
    contract_id: uuid.UUID
    order_ids: tuple[uuid.UUID, ...]
