"""The notices outbox sender, as the worker runs it: drain what is due, batch after batch."""

from __future__ import annotations

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.notices.delivery import deliver_due

__all__ = ["deliver_due", "drain"]


async def drain(ctx: Context, *, batch: int = 100, max_batches: int = 50) -> int:
    """Sends every due delivery (bounded, so one round cannot starve the worker's other jobs)."""
    total = 0
    for _ in range(max_batches):
        sent = await deliver_due(ctx, now=utcnow(), batch=batch)
        total += sent
        if sent < batch:
            break
    return total
