"""How settlements react to other features' facts: an assay recorded or corrected after a settlement
was issued changes what the platform computes for it, so every pending settlement of that contract
is recomputed in the same transaction (its findings replaced; an alert only for a finding it has not
raised before, recompute.py). Confirmed settlements stand as confirmed: a later assay does not
reopen them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.assays.events import AssayRecorded
from backend.domain.settlements import recompute
from backend.domain.settlements.models import Settlement
from backend.domain.settlements.schemas import SettlementStatus
from backend.events import subscriber


@subscriber(AssayRecorded)
async def recompute_pending(session: AsyncSession, ctx: Context, event: AssayRecorded) -> None:
    rows = (
        await session.execute(
            select(Settlement).where(
                Settlement.contract_id == event.contract_id, Settlement.status == SettlementStatus.PENDING
            )
        )
    ).scalars()
    for s in list(rows):
        await recompute.refresh(session, s)
