"""How terminals react to other features' facts (backend/events.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.terminals import service as terminals
from backend.domain.vehicles.events import VehicleRetired
from backend.events import subscriber


@subscriber(VehicleRetired)
async def release_terminal(session: AsyncSession, ctx: Context, event: VehicleRetired) -> None:
    """A retired truck's terminal is unbound with it: it can no longer log out itself (it cannot
    authenticate), so without this it could never register again, not even for the truck's new record."""
    await terminals.release_vehicle(session, vehicle_id=event.vehicle_id)
