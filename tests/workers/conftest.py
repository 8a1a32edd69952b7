"""A real gateway on 127.0.0.1 (port 0) over the test's DB and Redis, and vehicles to register for."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.audit.schemas import Actor
from backend.domain.vehicles import service as vehicles
from backend.domain.vehicles.rules import check_vehicle
from backend.domain.vehicles.schemas import VehicleCreate
from backend.workers.jt808 import Gateway, Limits, serve_gateway
from devices.sim.jt808_terminal import Fix, SimTerminal
from geo.position import Position, decode_positions

_serial = itertools.count(10001)
T0 = datetime(2026, 11, 20, 2, 30, 0, tzinfo=UTC)  # 10:30:00 in Beijing on the wire
TEST_LIMITS = Limits(idle_timeout_s=5.0, touch_interval_s=3600.0)


def new_plate() -> str:
    return f"蒙K{next(_serial) % 100000:05d}"


def new_phone() -> str:
    return f"0138{next(_serial):08d}"


async def make_vehicle(
    ctx: Context, *, plate: str | None = None, colour: str = "yellow", terminal_phone: str | None = None,
) -> tuple[uuid.UUID, str]:
    plate = plate or new_plate()
    checked = check_vehicle(VehicleCreate(
        plate=plate, plate_colour=colour, body="tractor_semitrailer", axle_count=6, energy_type="diesel",
        rated_load_kg=32000, terminal_phone=terminal_phone,
    ))
    async with unit_of_work(ctx) as session:
        out = await vehicles.add_vehicle(session, actor=Actor(user_id=None, label="test"), checked=checked,
                                         owner_driver_id=None, carrier_org_id=None, region_code="150623")
        await session.commit()
    return out.id, plate


@pytest.fixture
async def gateway(ctx: Context) -> AsyncIterator[Gateway]:
    gw = await serve_gateway(ctx, host="127.0.0.1", port=0, limits=TEST_LIMITS)
    yield gw
    await gw.close()


def terminal(gateway: Gateway, *, plate: str, phone: str | None = None, version: int = 2013,
             plate_colour: int = 2) -> SimTerminal:
    return SimTerminal("127.0.0.1", gateway.port, phone=phone or new_phone(), plate=plate, version=version,
                       plate_colour=plate_colour, reply_timeout_s=3.0)


async def online_terminal(ctx: Context, gateway: Gateway, *, version: int = 2013) -> tuple[SimTerminal, uuid.UUID]:
    """A connected, registered and authenticated terminal of a new vehicle."""
    vehicle_id, plate = await make_vehicle(ctx)
    sim = terminal(gateway, plate=plate, version=version)
    await sim.connect()
    result, code = await sim.register()
    assert (result, code is not None) == (0, True)
    assert code is not None and await sim.authenticate(code) == 0
    return sim, vehicle_id


def fix(i: int, **kwargs: object) -> Fix:
    values: dict[str, object] = {
        "lon": 109.781 + i * 0.001, "lat": 39.608 + i * 0.0005, "at": T0 + timedelta(seconds=30 * i),
        "speed_kmh": 40.5, "course_deg": 45, "mileage_m": 120_000 + i * 300,
    }
    values.update(kwargs)
    return Fix(**values)  # type: ignore[arg-type]


async def stream_entries(ctx: Context) -> list[list[Position]]:
    rows = await ctx.redis.xrange(ctx.settings.gps_stream)
    return [decode_positions(fields[b"p"]) for _, fields in rows]
