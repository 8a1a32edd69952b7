"""Driver real-name records: the driver's own view and changes, carriers' fleets, status."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.audit import service as audit
from backend.domain.drivers import errors, reads, rules
from backend.domain.drivers.access import access_driver, in_scope, own_driver, readable_filter
from backend.domain.drivers.models import Driver
from backend.domain.drivers.reads import personal_reads, reads_of_me, record_export
from backend.domain.drivers.records import (
    AUDIT_FIELDS,
    CERT_CONTEXT,
    ID_CONTEXT,
    LICENCE_CONTEXT,
    apply_verdict,
    driver_id_for_user,
    set_cert_no,
    set_licence_no,
    snapshot,
    to_out,
)
from backend.domain.drivers.registration import register
from backend.domain.drivers.schemas import (
    DriverBrief,
    DriverOut,
    DriverPage,
    DriverStatusChange,
    DriverUpdate,
)
from backend.domain.drivers.verification import DEFAULT_VERIFIER, RealNameVerifier
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import OrgBrief
from backend.domain.vehicles import service as vehicles
from backend.domain.vehicles.schemas import VehicleCreate, VehicleOut

__all__ = ["AUDIT_FIELDS", "CERT_CONTEXT", "ID_CONTEXT", "LICENCE_CONTEXT", "add_own_vehicle", "apply_verdict",
    "join_fleet", "brief", "brief_by_phone", "change_status", "driver_id_for_user", "get_driver", "get_me",
    "list_fleet_drivers", "names", "own_brief", "own_vehicles", "personal_reads", "reads_of_me", "record_export", "register", "require_fleet", "set_cert_no",
    "set_licence_no", "snapshot", "to_out", "unbind_from_fleet", "update_me"]


async def get_me(session: AsyncSession, *, ctx: Context, actor: Principal) -> DriverOut:
    return to_out(ctx, actor, await own_driver(session, actor))


async def update_me(
    session: AsyncSession, *, ctx: Context, actor: Principal, data: DriverUpdate,
    verifier: RealNameVerifier = DEFAULT_VERIFIER,
) -> DriverOut:
    driver = await own_driver(session, actor)
    before = snapshot(driver)
    if data.driving_licence_no is not None:
        set_licence_no(ctx, driver, rules.check_licence_no(data.driving_licence_no))
    if data.qualification_cert_no is not None:
        set_cert_no(ctx, driver, rules.check_cert_no(data.qualification_cert_no))
    if data.region_code is not None:
        driver.region_code = rules.check_region(data.region_code)
    if data.driving_licence_no is not None or data.qualification_cert_no is not None:
        # New numbers are new claims: verified again.
        await apply_verdict(ctx, driver, verifier)
    await session.flush()
    await audit.record(session, actor=actor.actor, action="driver.update", entity="driver", entity_id=driver.id,
                       before=before, after=snapshot(driver))
    return to_out(ctx, actor, driver)


async def get_driver(session: AsyncSession, *, ctx: Context, actor: Principal, driver_id: uuid.UUID) -> DriverOut:
    driver = await access_driver(session, actor, driver_id)
    out = to_out(ctx, actor, driver)
    await reads.record(session, actor=actor, shown=[(driver, out)])  # audited read of personal data
    return out


async def own_brief(session: AsyncSession, *, actor: Principal, require_active: bool = False) -> DriverBrief:
    """The caller's driver record in brief; `require_active` refuses a blacklisted driver (403)."""
    driver = await own_driver(session, actor)
    if require_active and driver.status != "active":
        raise errors.driver_blacklisted()
    return brief(driver)


def brief(driver: Driver) -> DriverBrief:
    return DriverBrief(id=driver.id, user_id=driver.user_id, region_code=driver.region_code,
                       carrier_org_id=driver.carrier_org_id, status=driver.status, name=driver.name,
                       real_name_status=driver.real_name_status)


async def brief_by_phone(session: AsyncSession, *, phone: str) -> DriverBrief | None:
    """The driver registered with this phone, for dispatch (no access check: any verified driver may be
    dispatched; the caller decides who asks)."""
    if not phone.isdigit():
        return None
    driver = (await session.execute(select(Driver).where(Driver.phone == phone))).scalar_one_or_none()
    return None if driver is None else brief(driver)


async def names(session: AsyncSession, *, driver_ids: set[uuid.UUID], reader: Principal | None = None,
                via: frozenset[uuid.UUID] = frozenset()) -> dict[uuid.UUID, str]:
    """Drivers' names; `reader`: the person they are shown to, whose reads of others' names are recorded
    (`via`: the organisations party to the documents that name them)."""
    if not driver_ids:
        return {}
    rows = (await session.execute(select(Driver).where(Driver.id.in_(driver_ids)))).scalars().all()
    if reader is not None:
        await reads.record_names(session, actor=reader, shown=rows, via=via)
    return {d.id: d.name for d in rows}


async def require_fleet(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, admin: bool = False) -> OrgBrief:
    """The carrier whose fleet the actor opens (404 unless visible, 403 for a change not allowed)."""
    return await organisations.require_fleet(session, actor=actor, org_id=org_id, admin=admin)


async def list_fleet_drivers(
    session: AsyncSession, *, ctx: Context, actor: Principal, org_id: uuid.UUID, offset: int = 0, limit: int = 50,
) -> DriverPage:
    await organisations.require_fleet(session, actor=actor, org_id=org_id)
    query = select(Driver).where(Driver.carrier_org_id == org_id, readable_filter(actor))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (await session.execute(query.order_by(Driver.name, Driver.id).offset(offset).limit(limit))).scalars().all()
    shown = [(d, to_out(ctx, actor, d)) for d in rows]
    await reads.record(session, actor=actor, shown=shown)  # the whole page in one INSERT
    return DriverPage(total=total, offset=offset, limit=limit, items=[out for _, out in shown])


async def join_fleet(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID,
                     leave_current_carrier: bool = False) -> DriverBrief:
    """The driver himself joins a carrier's fleet (挂靠), accepting its invitation. Bound to another
    carrier, he moves only when he says so; the UPDATE is conditional on the carrier he was seen with,
    so two acceptances racing cannot both win (the loser answers 409)."""
    driver = await own_driver(session, actor)
    if driver.status != "active":
        raise errors.driver_blacklisted()
    current = driver.carrier_org_id
    if current == org_id:
        return brief(driver)
    if current is not None and not leave_current_carrier:
        raise errors.driver_has_carrier()
    before = snapshot(driver)
    seen = Driver.carrier_org_id.is_(None) if current is None else Driver.carrier_org_id == current
    moved = await session.execute(update(Driver).where(Driver.id == driver.id, seen).values(carrier_org_id=org_id)
                                  .execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise errors.fleet_changed()
    await session.refresh(driver)
    await audit.record(session, actor=actor.actor, action="driver.fleet_bind", entity="driver",
                       entity_id=driver.id, before=before, after=snapshot(driver))
    return brief(driver)


async def unbind_from_fleet(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, driver_id: uuid.UUID) -> None:
    await organisations.require_fleet(session, actor=actor, org_id=org_id, admin=True)
    driver = await session.get(Driver, driver_id)
    if driver is None or driver.carrier_org_id != org_id:
        raise errors.no_driver_record()
    before = snapshot(driver)
    driver.carrier_org_id = None
    await session.flush()
    await audit.record(session, actor=actor.actor, action="driver.fleet_unbind", entity="driver",
                       entity_id=driver.id, before=before, after=snapshot(driver))


async def change_status(
    session: AsyncSession, *, ctx: Context, actor: Principal, driver_id: uuid.UUID, data: DriverStatusChange,
) -> DriverOut:
    """Blacklist or reinstate: platform admins, or regulators whose region holds the driver."""
    driver = await access_driver(session, actor, driver_id)
    if not (actor.is_platform_admin or in_scope(actor, driver.region_code)):
        raise errors.status_not_allowed()
    before = snapshot(driver)
    driver.status = data.status
    await session.flush()
    after = {**snapshot(driver), "reason": data.reason.strip()}
    await audit.record(session, actor=actor.actor, action="driver.status", entity="driver", entity_id=driver.id,
                       before=before, after=after)
    out = to_out(ctx, actor, driver)
    await reads.record(session, actor=actor, shown=[(driver, out)])
    return out


async def add_own_vehicle(session: AsyncSession, *, actor: Principal, data: VehicleCreate) -> VehicleOut:
    """The driver registers a truck of his own (a blacklisted driver may not)."""
    driver = await own_brief(session, actor=actor, require_active=True)
    return await vehicles.create_for_owner(session, actor=actor, owner_driver_id=driver.id,
                                           region_code=driver.region_code, data=data)


async def own_vehicles(session: AsyncSession, *, actor: Principal) -> list[VehicleOut]:
    driver = await own_brief(session, actor=actor)
    return await vehicles.list_for_owner(session, owner_driver_id=driver.id)
