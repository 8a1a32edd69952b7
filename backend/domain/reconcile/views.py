"""Chain rows as the wire shows them."""

from __future__ import annotations

from backend.domain.reconcile.models import ChainStatus
from backend.domain.reconcile.schemas import LINKS, ChainRowOut


def row_out(r: ChainStatus) -> ChainRowOut:
    return ChainRowOut(
        order_id=r.order_id,
        order_no=r.order_no,
        contract_id=r.contract_id,
        contract_no=r.contract_no,
        region_code=r.region_code,
        day=r.day,
        ordered_kg=r.ordered_kg,
        loaded_kg=r.loaded_kg,
        delivered_kg=r.delivered_kg,
        settled_kg=r.settled_kg,
        settled_fen=r.settled_fen,
        invoiced_kg=r.invoiced_kg,
        invoiced_fen=r.invoiced_fen,
        paid_fen=r.paid_fen,
        states={k: getattr(r, f"{k}_state") for k in LINKS},
        reasons=[str(x) for x in (r.reasons or [])],
        mismatch=r.mismatch,
        updated_at=r.updated_at,
    )
