"""Who may see drivers and carriers' fleets. Missing and not visible answer alike: 404.

A driver sees himself; his carrier's admin and dispatchers see him; regulators see drivers
registered in their region and below; platform admins see all.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.regions import is_within
from backend.domain.drivers import errors
from backend.domain.drivers.models import Driver
from backend.domain.identity.schemas import FLEET_READ_ROLES, Principal
from backend.domain.regions.service import within_scopes
from backend.errors import NotFound, forbidden


def in_scope(actor: Principal, region_code: str) -> bool:
    return any(is_within(region_code, scope) for scope in actor.regulator_scopes)


def can_read(actor: Principal, driver: Driver) -> bool:
    if actor.is_platform_admin or actor.driver_id == driver.id:
        return True
    if driver.carrier_org_id is not None and actor.is_member(driver.carrier_org_id, FLEET_READ_ROLES):
        return True
    return in_scope(actor, driver.region_code)


def readable_filter(actor: Principal) -> ColumnElement[bool]:
    if actor.is_platform_admin:
        return true()
    terms = [Driver.carrier_org_id.in_(actor.org_ids(FLEET_READ_ROLES)), within_scopes(Driver.region_code, actor.regulator_scopes)]
    if actor.driver_id is not None:
        terms.append(Driver.id == actor.driver_id)
    return or_(*terms)


async def access_driver(session: AsyncSession, actor: Principal, driver_id: uuid.UUID, *, admin: bool = False) -> Driver:
    """`admin`: the driver himself or the platform (a driver's record is his own to change)."""
    driver = await session.get(Driver, driver_id)
    if driver is None or not can_read(actor, driver):
        raise NotFound("司机", "driver")
    if admin and not (actor.is_platform_admin or actor.driver_id == driver.id):
        raise forbidden()
    return driver


async def own_driver(session: AsyncSession, actor: Principal) -> Driver:
    """The caller's own driver record; people without one get 404, like any record they cannot see."""
    driver = await session.get(Driver, actor.driver_id) if actor.driver_id is not None else None
    if driver is None:
        raise errors.no_driver_record()
    return driver
