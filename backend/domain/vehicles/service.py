"""Vehicles of drivers and of carriers' fleets: one plate, one active vehicle."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.checks.labels import Label
from backend.checks.plate import PLATE_COLOURS, normalise_plate
from backend.checks.vehicle import ENERGY_TYPES, VEHICLE_BODIES
from backend.db.unit import savepoint
from backend.domain.audit import service as audit
from backend.domain.audit.schemas import Actor
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.domain.vehicles import errors
from backend.domain.vehicles.access import access_vehicle, readable_filter
from backend.domain.vehicles.events import VehicleRetired
from backend.domain.vehicles.models import Vehicle
from backend.domain.vehicles.rules import CheckedVehicle, check_vehicle
from backend.domain.vehicles.schemas import LabelOut, VehicleBrief, VehicleCreate, VehicleOut, VehiclePage
from backend.errors import Conflict, forbidden
from backend.events import announce

__all__ = ["active_vehicle_ids", "add_vehicle", "attach_terminal_phone", "brief_by_plate", "briefs_by_id",
    "check_vehicle", "create_for_carrier", "create_for_owner", "dispatchable_briefs", "list_fleet", "list_for_owner",
    "plate_taken_error", "retire_for_carrier", "retire_for_driver", "vehicle_for_terminal"]


def _label(table: Mapping[str, Label], key: str) -> LabelOut:
    label = table.get(key)
    return LabelOut(zh=label.zh, en=label.en) if label else LabelOut(zh=key, en=key)


def _out(v: Vehicle) -> VehicleOut:
    return VehicleOut(
        id=v.id, plate=v.plate, plate_colour=v.plate_colour, plate_colour_label=_label(PLATE_COLOURS, v.plate_colour),
        new_energy=v.new_energy, body=v.body, body_label=_label(VEHICLE_BODIES, v.body), axle_count=v.axle_count,
        legal_gross_kg=v.legal_gross_kg, rated_load_kg=v.rated_load_kg, energy_type=v.energy_type,
        energy_type_label=_label(ENERGY_TYPES, v.energy_type), terminal_phone=v.terminal_phone,
        owner_driver_id=v.owner_driver_id, carrier_org_id=v.carrier_org_id, region_code=v.region_code,
        status=v.status, created_at=v.created_at,
    )


def plate_taken_error(field: str = "plate") -> Conflict:
    return errors.plate_taken(field)


async def add_vehicle(
    session: AsyncSession, *, actor: Actor, checked: CheckedVehicle, owner_driver_id: uuid.UUID | None,
    carrier_org_id: uuid.UUID | None, region_code: str, field_prefix: str = "",
) -> VehicleOut:
    """Insert and audit, without committing: the caller's transaction decides (registration)."""
    taken = await session.execute(
        select(Vehicle.status).where(Vehicle.plate == checked.plate.number, Vehicle.status.in_(("active", "blacklisted")))
    )
    status = taken.scalar()
    if status == "blacklisted":
        raise Conflict("plate_blacklisted", "该车牌车辆已列入黑名单", "A vehicle with this plate is blacklisted",
                       field=field_prefix + "plate")
    if status is not None:
        raise errors.plate_taken(field_prefix + "plate")
    vehicle = Vehicle(
        plate=checked.plate.number, plate_colour=checked.plate.colour, new_energy=checked.plate.new_energy,
        body=checked.body, axle_count=checked.axle_count, legal_gross_kg=checked.legal_gross_kg,
        rated_load_kg=checked.rated_load_kg, energy_type=checked.energy_type, terminal_phone=checked.terminal_phone,
        owner_driver_id=owner_driver_id, carrier_org_id=carrier_org_id, region_code=region_code, status="active",
    )
    session.add(vehicle)
    await session.flush()
    await audit.record(session, actor=actor, action="vehicle.create", entity="vehicle", entity_id=vehicle.id,
                       after=audit.snapshot(vehicle))
    return _out(vehicle)


async def _add_new(session: AsyncSession, **kwargs: object) -> VehicleOut:
    try:
        async with savepoint(session):  # a lost race undoes this vehicle only, not the unit
            out = await add_vehicle(session, **kwargs)  # type: ignore[arg-type]
    except IntegrityError as exc:
        if "plate" in str(exc.orig).lower():
            raise errors.plate_taken() from None
        raise
    return out


async def create_for_owner(session: AsyncSession, *, actor: Principal, owner_driver_id: uuid.UUID,
                           region_code: str, data: VehicleCreate) -> VehicleOut:
    """A driver's own truck (the drivers feature found his record and checked he may add one)."""
    checked = check_vehicle(data)
    return await _add_new(
        session, actor=actor.actor, checked=checked, owner_driver_id=owner_driver_id, carrier_org_id=None,
        region_code=region_code,
    )


async def list_for_owner(session: AsyncSession, *, owner_driver_id: uuid.UUID) -> list[VehicleOut]:
    rows = await session.execute(
        select(Vehicle).where(Vehicle.owner_driver_id == owner_driver_id).order_by(Vehicle.status, Vehicle.plate)
    )
    return [_out(v) for v in rows.scalars()]


async def _retire(session: AsyncSession, *, actor: Principal, vehicle: Vehicle) -> VehicleOut:
    if vehicle.status == "blacklisted":
        # Retiring would free the plate for a new registration: a blacklisting is lifted by regulators.
        raise Conflict("vehicle_blacklisted", "车辆已列入黑名单，不能注销", "A blacklisted vehicle cannot be retired")
    if vehicle.status != "retired":
        before = audit.snapshot(vehicle)
        vehicle.status = "retired"
        await session.flush()
        await audit.record(session, actor=actor.actor, action="vehicle.retire", entity="vehicle",
                           entity_id=vehicle.id, before=before, after=audit.snapshot(vehicle))
        await announce(session, VehicleRetired(vehicle_id=vehicle.id, plate=vehicle.plate))
    return _out(vehicle)


async def retire_for_driver(session: AsyncSession, *, actor: Principal, vehicle_id: uuid.UUID) -> VehicleOut:
    vehicle = await access_vehicle(session, actor, vehicle_id)
    if vehicle.owner_driver_id is None or vehicle.owner_driver_id != actor.driver_id:
        raise forbidden()
    return await _retire(session, actor=actor, vehicle=vehicle)


async def list_fleet(
    session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, status: str | None = None,
    offset: int = 0, limit: int = 50,
) -> VehiclePage:
    await organisations.require_fleet(session, actor=actor, org_id=org_id)
    query = select(Vehicle).where(Vehicle.carrier_org_id == org_id, readable_filter(actor))
    if status:
        query = query.where(Vehicle.status == status)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (await session.execute(query.order_by(Vehicle.status, Vehicle.plate).offset(offset).limit(limit))).scalars()
    return VehiclePage(total=total, offset=offset, limit=limit, items=[_out(v) for v in rows])


async def create_for_carrier(session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, data: VehicleCreate) -> VehicleOut:
    org = await organisations.require_fleet(session, actor=actor, org_id=org_id, admin=True)
    checked = check_vehicle(data)
    return await _add_new(
        session, actor=actor.actor, checked=checked, owner_driver_id=None, carrier_org_id=org.id,
        region_code=org.region_code,
    )


async def retire_for_carrier(
    session: AsyncSession, *, actor: Principal, org_id: uuid.UUID, vehicle_id: uuid.UUID
) -> VehicleOut:
    await organisations.require_fleet(session, actor=actor, org_id=org_id)
    vehicle = await access_vehicle(session, actor, vehicle_id)
    if vehicle.carrier_org_id != org_id:
        raise errors.vehicle_not_found()
    await organisations.require_fleet(session, actor=actor, org_id=org_id, admin=True)
    return await _retire(session, actor=actor, vehicle=vehicle)


async def brief_by_plate(session: AsyncSession, *, plate: str) -> VehicleBrief | None:
    """The active (or blacklisted) vehicle with this plate, for dispatch; retired ones are history."""
    number = normalise_plate(plate)
    if "\x00" in number:
        return None
    v = (await session.execute(
        select(Vehicle).where(Vehicle.plate == number, Vehicle.status != "retired").order_by(Vehicle.created_at.desc())
    )).scalars().first()
    return None if v is None else _brief(v)


def _brief(v: Vehicle) -> VehicleBrief:
    return VehicleBrief(id=v.id, plate=v.plate, new_energy=v.new_energy, rated_load_kg=v.rated_load_kg,
                        legal_gross_kg=v.legal_gross_kg, carrier_org_id=v.carrier_org_id,
                        owner_driver_id=v.owner_driver_id, status=v.status)


async def briefs_by_id(session: AsyncSession, *, vehicle_ids: set[uuid.UUID]) -> dict[uuid.UUID, VehicleBrief]:
    """Vehicles by id whatever their status (plates and owners for GPS events and waybills).
    For other features (no access check: the caller has decided who asks)."""
    if not vehicle_ids:
        return {}
    rows = (await session.execute(select(Vehicle).where(Vehicle.id.in_(vehicle_ids)))).scalars()
    return {v.id: _brief(v) for v in rows}


async def dispatchable_briefs(
    session: AsyncSession, *, carrier_org_id: uuid.UUID, owner_driver_ids: set[uuid.UUID],
) -> list[VehicleBrief]:
    """The active trucks a carrier may dispatch: its own, and those its drivers own (挂靠), by plate.
    For other features (no access check: the caller has decided who asks)."""
    whose = Vehicle.carrier_org_id == carrier_org_id
    if owner_driver_ids:
        whose = whose | Vehicle.owner_driver_id.in_(owner_driver_ids)
    rows = (await session.execute(
        select(Vehicle).where(whose, Vehicle.status == "active").order_by(Vehicle.plate)
    )).scalars()
    return [_brief(v) for v in rows]


# For the JT/T 808 gateway (backend/domain/terminals), which has no person acting.
_TERMINAL_ACTOR = Actor(user_id=None, label="jt808", client="jt808")


def _phone_variants(terminal_phone: str) -> set[str]:
    # A 2013 header carries 12 digits, a 2019 header 20, an owner types 11 or 12: compare the number.
    number = terminal_phone.lstrip("0")
    return {terminal_phone, number, number.rjust(12, "0"), number.rjust(20, "0")}


async def vehicle_for_terminal(
    session: AsyncSession, *, plate: str | None, plate_colour: str | None, terminal_phone: str,
) -> tuple[VehicleBrief, str | None] | None:
    """The active vehicle a registering terminal belongs to, and the terminal phone its owner recorded.

    By plate first (`plate_colour` None when the terminal's colour code says nothing we can check;
    a yellow terminal setting also fits a yellow-green NEV plate, as older terminals know no such
    code), else by the terminal phone recorded on the vehicle."""
    if plate:
        number = normalise_plate(plate)
        v = (await session.execute(
            select(Vehicle).where(Vehicle.plate == number, Vehicle.status == "active")
        )).scalars().first()
        if v is not None and (plate_colour is None or v.plate_colour == plate_colour
                              or (plate_colour == "yellow" and v.plate_colour == "yellow_green")):
            return _brief(v), v.terminal_phone
    v = (await session.execute(
        select(Vehicle).where(Vehicle.terminal_phone.in_(_phone_variants(terminal_phone)), Vehicle.status == "active")
        .order_by(Vehicle.created_at.desc())
    )).scalars().first()
    return None if v is None else (_brief(v), v.terminal_phone)


async def attach_terminal_phone(session: AsyncSession, *, vehicle_id: uuid.UUID, terminal_phone: str) -> None:
    """Record a registered terminal's phone on its vehicle when the owner left it empty (no commit)."""
    v = await session.get(Vehicle, vehicle_id)
    if v is None or v.terminal_phone:
        return
    before = audit.snapshot(v)
    v.terminal_phone = terminal_phone
    await session.flush()
    await audit.record(session, actor=_TERMINAL_ACTOR, action="vehicle.terminal_attach", entity="vehicle",
                       entity_id=v.id, before=before, after=audit.snapshot(v))


async def active_vehicle_ids(session: AsyncSession, *, vehicle_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these vehicles may still report positions (retired and blacklisted ones may not)."""
    if not vehicle_ids:
        return set()
    rows = await session.execute(select(Vehicle.id).where(Vehicle.id.in_(vehicle_ids), Vehicle.status == "active"))
    return set(rows.scalars())
