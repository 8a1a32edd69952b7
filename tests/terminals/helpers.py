"""Vehicles and JT/T 808 registrations for the terminal-binding tests, made through the services."""

from __future__ import annotations

import itertools
import uuid

from backend.context import Context
from backend.domain.audit.schemas import Actor
from backend.domain.terminals import service as terminals
from backend.domain.terminals.schemas import AuthOutcome, RegisterOutcome
from backend.domain.vehicles import service as vehicles
from backend.domain.vehicles.rules import check_vehicle
from backend.domain.vehicles.schemas import VehicleCreate
from geo.protocols.jt808 import Registration

_serial = itertools.count(20001)
YELLOW = 2  # JT/T 697.7 plate colour code of the test trucks' yellow plates


def new_plate() -> str:
    return f"蒙K{next(_serial) % 100000:05d}"


def new_phone() -> str:
    """A terminal's header id as the 2013 layout sends it: 12 BCD digits."""
    return f"0147{next(_serial):08d}"


async def make_vehicle(ctx: Context, *, plate: str | None = None, carrier_org_id: uuid.UUID | None = None,
                       terminal_phone: str | None = None) -> tuple[uuid.UUID, str]:
    plate = plate or new_plate()
    checked = check_vehicle(VehicleCreate(
        plate=plate, plate_colour="yellow", body="tractor_semitrailer", axle_count=6, energy_type="diesel",
        rated_load_kg=32_000, terminal_phone=terminal_phone,
    ))
    async with ctx.sessions() as session:
        out = await vehicles.add_vehicle(session, actor=Actor(user_id=None, label="test"), checked=checked,
                                         owner_driver_id=None, carrier_org_id=carrier_org_id, region_code="150623")
        await session.commit()
    return out.id, plate


def registration(plate: str, *, colour: int = YELLOW, maker_id: str = "MTTEST", model: str = "BOX-1",
                 hw_id: str = "HW0001") -> Registration:
    return Registration(province_id=15, city_id=623, maker_id=maker_id, model=model, terminal_hw_id=hw_id,
                        plate_color=colour, plate=plate, layout="2013")


async def register(ctx: Context, phone: str, plate: str, *, reg: Registration | None = None) -> RegisterOutcome:
    """Terminal `phone`'s 0x0100 naming `plate` (or the given registration), committed as the gateway does."""
    async with ctx.sessions() as session:
        outcome = await terminals.register(session, phone=phone, registration=reg or registration(plate),
                                           version="2013")
        await session.commit()
    return outcome


async def authenticate(ctx: Context, phone: str, code: str) -> AuthOutcome:
    async with ctx.sessions() as session:
        outcome = await terminals.authenticate(session, phone=phone, code=code)
        await session.commit()
    return outcome


async def unregister(ctx: Context, phone: str) -> bool:
    async with ctx.sessions() as session:
        done = await terminals.unregister(session, phone=phone)
        await session.commit()
    return done
