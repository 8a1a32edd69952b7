"""The notices' periodic work (registered with backend/jobs.py)."""

from __future__ import annotations

from backend import jobs
from backend.context import Context
from backend.domain.notices import outbox


@jobs.job("notices.drain_outbox", every_s=5, own_units=True)
async def drain_outbox(ctx: Context) -> jobs.Counts:
    """Every few seconds: a called driver must hear of it at once. Claims, sends and marks in
    transactions of its own (one per batch), hence `own_units`."""
    return {"sent": await outbox.drain(ctx)}
