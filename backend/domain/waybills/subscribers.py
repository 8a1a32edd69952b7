"""How waybills react to other features' facts (backend/events.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.orders.events import VehicleLeftSite
from backend.domain.waybills import opening
from backend.events import subscriber


@subscriber(VehicleLeftSite)
async def open_at_gate_out(session: AsyncSession, ctx: Context, event: VehicleLeftSite) -> None:
    """A ticketed truck passed the out-gate: its waybill opens in the same transaction, so a recorded
    gate-out and its waybill stand or fall together."""
    if event.ticketed:
        await opening.open_for_order(session, redis=ctx.redis, order_id=event.order_id, departed_at=event.left_at,
                                     opened_by="gate", width_m=ctx.settings.gps_corridor_width_m)
