"""Facts the assays feature announces (backend/events.py)."""

from __future__ import annotations

import uuid
from datetime import date

from backend.events import Event


class AssayRecorded(Event, frozen=True, kw_only=True):
    """An assay was recorded or changed (by hand, or upserted over /open/v1). A load assay names its
    ticket; a batch assay its day (`ticket_nos` is then empty: the day's loads are the contract's tickets
    of `batch_date`)."""

    assay_id: uuid.UUID
    contract_id: uuid.UUID
    ticket_nos: tuple[str, ...]
    batch_date: date | None
