"""派单 choices for a carrier's dispatcher: its drivers (with their phones) and the trucks it may send.

Dispatch itself (orders.dispatch) checks everything again; these lists only spare the dispatcher
typing, and mark what dispatch would refuse (a truck an open order holds, a driver not verified).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.drivers import service as drivers
from backend.domain.identity.schemas import Principal
from backend.domain.orders.models import OCCUPYING, PickupOrder
from backend.domain.orders.schemas import DispatchChoices, FleetDriver, FleetTruck
from backend.domain.vehicles import service as vehicles

# One page of the fleet API: a carrier with more drivers types the phone.
MAX_DRIVERS = 200


async def dispatch_choices(session: AsyncSession, *, ctx: Context, actor: Principal,
                           carrier_org_id: uuid.UUID) -> DispatchChoices:
    """The carrier's active drivers and its dispatchable trucks (404 unless the actor sees its fleet)."""
    page = await drivers.list_fleet_drivers(session, ctx=ctx, actor=actor, org_id=carrier_org_id, limit=MAX_DRIVERS)
    active = [d for d in page.items if d.status == "active" and d.phone]
    trucks = await vehicles.dispatchable_briefs(session, carrier_org_id=carrier_org_id,
                                                owner_driver_ids={d.id for d in active})
    held: dict[uuid.UUID, str] = {}
    if trucks:
        rows = await session.execute(select(PickupOrder.vehicle_id, PickupOrder.order_no).where(
            PickupOrder.vehicle_id.in_({t.id for t in trucks}), PickupOrder.status.in_(OCCUPYING)))
        held = {vehicle_id: order_no for vehicle_id, order_no in rows.all() if vehicle_id}
    return DispatchChoices(
        carrier_org_id=carrier_org_id,
        trucks=[FleetTruck(plate=t.plate, new_energy=t.new_energy, max_load_kg=min(t.rated_load_kg, t.legal_gross_kg),
                           owner_driver_id=t.owner_driver_id, busy_order_no=held.get(t.id)) for t in trucks],
        drivers=[FleetDriver(id=d.id, name=d.name, phone=d.phone or "", verified=d.real_name_status == "verified")
                 for d in active],
    )
