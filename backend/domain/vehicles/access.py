"""Who may see and change a vehicle. Missing and not visible answer alike: 404.

Seen by: its owner driver, the admin and dispatchers of the carrier that owns it, regulators whose
scope holds its region, platform admins. Changed by: the owner driver, the carrier's admin, the
platform. Everyone else who can see it (dispatchers, regulators) gets 403 on a change.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.identity.schemas import FLEET_ADMIN_ROLES, FLEET_READ_ROLES, Principal
from backend.domain.regions.service import within_scopes
from backend.domain.vehicles import errors
from backend.domain.vehicles.models import Vehicle
from backend.errors import forbidden


def can_read(actor: Principal, vehicle: Vehicle) -> bool:
    if actor.is_platform_admin or can_change(actor, vehicle):
        return True
    if vehicle.carrier_org_id is not None and actor.is_member(vehicle.carrier_org_id, FLEET_READ_ROLES):
        return True
    return any(is_within(vehicle.region_code, scope) for scope in actor.regulator_scopes)


def can_change(actor: Principal, vehicle: Vehicle) -> bool:
    if actor.is_platform_admin:
        return True
    if vehicle.owner_driver_id is not None and vehicle.owner_driver_id == actor.driver_id:
        return True
    return vehicle.carrier_org_id is not None and actor.is_member(vehicle.carrier_org_id, FLEET_ADMIN_ROLES)


def readable_filter(actor: Principal) -> ColumnElement[bool]:
    if actor.is_platform_admin:
        return true()
    terms = [Vehicle.carrier_org_id.in_(actor.org_ids(FLEET_READ_ROLES)), within_scopes(Vehicle.region_code, actor.regulator_scopes)]
    if actor.driver_id is not None:
        terms.append(Vehicle.owner_driver_id == actor.driver_id)
    return or_(*terms)


async def access_vehicle(session: AsyncSession, actor: Principal, vehicle_id: uuid.UUID, *, admin: bool = False) -> Vehicle:
    vehicle = await session.get(Vehicle, vehicle_id)
    if vehicle is None or not can_read(actor, vehicle):
        raise errors.vehicle_not_found()
    if admin and not can_change(actor, vehicle):
        raise forbidden()
    return vehicle
