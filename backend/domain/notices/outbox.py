"""Draining the notices outbox: what is due, batch after batch (the job in notices/jobs.py runs it)."""

from __future__ import annotations

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.notices.delivery import deliver_due

__all__ = ["deliver_due", "drain"]


async def drain(ctx: Context, *, batch: int = 100, max_batches: int = 50) -> int:
    """Sends every due delivery (bounded, so one run cannot starve the worker's other jobs). Each
    batch is its own transaction: claimed, sent and marked by `deliver_due`."""
    total = 0
    for _ in range(max_batches):
        sent = await deliver_due(ctx, now=utcnow(), batch=batch)
        total += sent
        if sent < batch:
            break
    return total
