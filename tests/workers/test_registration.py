"""0x0100 over TCP: a registered vehicle gets its own code; unknown, taken and foreign cases get 2, 1, 3."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from backend.db.unit import unit_of_work
from backend.domain.terminals import service as terminals
from backend.domain.terminals.models import TerminalBinding
from backend.domain.vehicles import service as vehicles
from tests.workers.conftest import make_vehicle, new_phone, new_plate, terminal


async def test_registered_vehicle_gets_result_0_and_its_own_code(ctx, gateway):
    vehicle_id, plate = await make_vehicle(ctx)
    other_id, other_plate = await make_vehicle(ctx)
    async with terminal(gateway, plate=plate) as sim, terminal(gateway, plate=other_plate) as other:
        result, code = await sim.register()
        other_result, other_code = await other.register()
    assert (result, other_result) == (0, 0)
    assert code and other_code and code != other_code
    assert code.isascii() and len(code) <= 32
    async with unit_of_work(ctx) as session:
        row = (await session.execute(select(TerminalBinding).where(TerminalBinding.phone == sim.phone))).scalar_one()
        assert row.vehicle_id == vehicle_id and row.status == "active" and row.protocol_version == "2013"
        assert row.auth_code_sha256 == hashlib.sha256(code.encode()).hexdigest() != code
        assert row.maker_id == "MTSIM" and row.plate == plate
        shown = await terminals.binding_of_vehicle(session, vehicle_id=vehicle_id)
        assert shown is not None and shown.phone == sim.phone and shown.online
        # The vehicle had no terminal phone: registration recorded it.
        found = await vehicles.vehicle_for_terminal(session, plate=None, plate_colour=None, terminal_phone=sim.phone)
        assert found is not None and found[0].id == vehicle_id and found[1] == sim.phone


async def test_unknown_plate_gets_result_2_and_no_code(ctx, gateway):
    await make_vehicle(ctx)
    async with terminal(gateway, plate=new_plate()) as sim:
        assert await sim.register() == (2, None)


async def test_colour_that_contradicts_the_plate_finds_no_vehicle(ctx, gateway):
    _, plate = await make_vehicle(ctx, colour="yellow")
    async with terminal(gateway, plate=plate, plate_colour=1) as sim:  # 1 = blue
        assert await sim.register() == (2, None)


async def test_second_terminal_for_the_same_vehicle_gets_1(ctx, gateway):
    _, plate = await make_vehicle(ctx)
    async with terminal(gateway, plate=plate) as first, terminal(gateway, plate=plate) as second:
        assert (await first.register())[0] == 0
        assert await second.register() == (1, None)


async def test_terminal_bound_to_another_vehicle_gets_3(ctx, gateway):
    _, plate = await make_vehicle(ctx)
    _, other_plate = await make_vehicle(ctx)
    phone = new_phone()
    async with terminal(gateway, plate=plate, phone=phone) as sim:
        assert (await sim.register())[0] == 0
    async with terminal(gateway, plate=other_plate, phone=phone) as same_box:
        assert await same_box.register() == (3, None)


async def test_reregistering_rotates_the_code(ctx, gateway):
    _, plate = await make_vehicle(ctx)
    phone = new_phone()
    async with terminal(gateway, plate=plate, phone=phone) as sim:
        _, first = await sim.register()
        _, second = await sim.register()
    assert first and second and first != second
    async with terminal(gateway, plate=plate, phone=phone) as sim:
        assert await sim.authenticate(first) == 1
        assert await sim.authenticate(second) == 0


async def test_unplated_terminal_is_found_by_the_phone_recorded_on_the_vehicle(ctx, gateway):
    vehicle_id, _ = await make_vehicle(ctx, terminal_phone="13912345678")  # owners type 11 digits
    # Colour 0: the plate field holds the VIN; the 2019 header pads the phone to 20 digits.
    async with terminal(gateway, plate="LFWSDPHA1KA000001", phone="13912345678", plate_colour=0,
                        version=2019) as sim:
        result, code = await sim.register()
        assert result == 0 and code
        assert await sim.authenticate(code) == 0
    async with unit_of_work(ctx) as session:
        shown = await terminals.binding_of_vehicle(session, vehicle_id=vehicle_id)
    assert shown is not None and shown.phone == "00000000013912345678" and shown.protocol_version == "2019"
