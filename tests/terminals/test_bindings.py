"""Terminal bindings through the terminals service, as the JT/T 808 gateway calls it (one session a
message): which registrations bind (0x8100 results 0-3), auth codes kept only as hashes and checked,
logout and re-binding, retired trucks, and what the apps read ("terminal online")."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.terminals import service as terminals
from backend.domain.terminals.models import TerminalBinding
from backend.domain.terminals.schemas import (
    REGISTER_NO_VEHICLE,
    REGISTER_OK,
    REGISTER_TERMINAL_TAKEN,
    REGISTER_VEHICLE_TAKEN,
)
from backend.domain.vehicles import service as vehicles
from backend.errors import NotFound
from tests.sites import helpers as sh
from tests.terminals import helpers as th


async def _row(ctx: Context, phone: str) -> TerminalBinding | None:
    async with ctx.sessions() as session:
        return (await session.execute(select(TerminalBinding).where(TerminalBinding.phone == phone))).scalars().first()


async def _rows(ctx: Context) -> int:
    async with ctx.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(TerminalBinding))).scalar_one())


async def test_an_unknown_vehicle_binds_nothing(ctx: Context) -> None:
    await th.make_vehicle(ctx)
    phone = th.new_phone()
    outcome = await th.register(ctx, phone, th.new_plate())
    assert (outcome.result, outcome.auth_code, outcome.vehicle_id) == (REGISTER_NO_VEHICLE, None, None)
    # A garbled plate (control characters) names no vehicle either, and breaks nothing on PostgreSQL.
    _, plate = await th.make_vehicle(ctx)
    garbled = await th.register(ctx, th.new_phone(), plate, reg=th.registration(plate + "\x00\x01"))
    assert garbled.result == REGISTER_NO_VEHICLE
    assert await _rows(ctx) == 0
    async with ctx.sessions() as session:
        with pytest.raises(NotFound):
            await terminals.terminal(session, phone=phone)


async def test_the_code_is_stored_as_its_hash_and_only_it_authenticates(ctx: Context) -> None:
    vehicle_id, plate = await th.make_vehicle(ctx)
    phone = th.new_phone()
    outcome = await th.register(ctx, phone, plate, reg=th.registration(plate, maker_id="MK\x07X", model="M\x1b1"))
    assert outcome.result == REGISTER_OK and outcome.vehicle_id == vehicle_id and outcome.auth_code
    code = outcome.auth_code
    row = await _row(ctx, phone)
    assert row is not None and row.status == "active" and row.vehicle_id == vehicle_id and row.plate == plate
    assert row.auth_code_sha256 == hashlib.sha256(code.encode()).hexdigest() == terminals.hash_code(code)
    # The code itself is in no column; control characters never reach the table.
    assert code not in {str(v) for v in vars(row).values()}
    assert (row.maker_id, row.model) == ("MKX", "M1") and row.last_auth_at is None

    assert await th.authenticate(ctx, phone, code + "x") == terminals.AuthOutcome(vehicle_id=None)
    # A leaked hash is no code: sending it back authenticates nothing.
    assert not (await th.authenticate(ctx, phone, row.auth_code_sha256)).ok
    assert not (await th.authenticate(ctx, th.new_phone(), code)).ok  # another terminal's header
    ok = await th.authenticate(ctx, phone, code)
    assert ok.ok and (ok.vehicle_id, ok.plate) == (vehicle_id, plate)
    after = await _row(ctx, phone)
    assert after is not None and after.last_auth_at is not None and after.last_seen_at is not None


async def test_a_vehicle_with_a_terminal_refuses_a_second_one(ctx: Context) -> None:
    vehicle_id, plate = await th.make_vehicle(ctx)
    first, second = th.new_phone(), th.new_phone()
    code = (await th.register(ctx, first, plate)).auth_code
    assert code
    outcome = await th.register(ctx, second, plate)
    assert (outcome.result, outcome.auth_code) == (REGISTER_VEHICLE_TAKEN, None)
    assert await _row(ctx, second) is None
    assert (await th.authenticate(ctx, first, code)).vehicle_id == vehicle_id  # the first is untouched


async def test_a_terminal_bound_to_one_vehicle_cannot_register_for_another(ctx: Context) -> None:
    vehicle_id, plate = await th.make_vehicle(ctx)
    other_id, other_plate = await th.make_vehicle(ctx)
    phone = th.new_phone()
    code = (await th.register(ctx, phone, plate)).auth_code
    assert code
    outcome = await th.register(ctx, phone, other_plate)
    assert (outcome.result, outcome.auth_code) == (REGISTER_TERMINAL_TAKEN, None)
    row = await _row(ctx, phone)
    assert row is not None and row.vehicle_id == vehicle_id and row.auth_code_sha256 == terminals.hash_code(code)
    async with ctx.sessions() as session:
        assert await terminals.binding_of_vehicle(session, vehicle_id=other_id) is None


async def test_reregistering_for_the_same_vehicle_rotates_the_code_in_the_same_row(ctx: Context) -> None:
    _, plate = await th.make_vehicle(ctx)
    phone = th.new_phone()
    first = (await th.register(ctx, phone, plate)).auth_code
    row = await _row(ctx, phone)
    second = (await th.register(ctx, phone, plate)).auth_code
    assert first and second and first != second
    again = await _row(ctx, phone)
    assert row is not None and again is not None and again.id == row.id and await _rows(ctx) == 1
    assert not (await th.authenticate(ctx, phone, first)).ok
    assert (await th.authenticate(ctx, phone, second)).ok


async def test_logout_revokes_and_frees_both_sides_for_rebinding(ctx: Context) -> None:
    a_id, a_plate = await th.make_vehicle(ctx)
    b_id, b_plate = await th.make_vehicle(ctx)
    phone = th.new_phone()
    code = (await th.register(ctx, phone, a_plate)).auth_code
    assert code
    row = await _row(ctx, phone)
    assert await th.unregister(ctx, phone) is True
    assert await th.unregister(ctx, phone) is False  # nothing active left to revoke
    assert await th.unregister(ctx, th.new_phone()) is False
    assert not (await th.authenticate(ctx, phone, code)).ok
    async with ctx.sessions() as session:
        shown = await terminals.terminal(session, phone=phone)
        assert (shown.status, shown.online) == ("revoked", False)
        assert await terminals.binding_of_vehicle(session, vehicle_id=a_id) is None

    # The truck takes a new terminal, and the old box moves to another truck in its old row.
    replacement = th.new_phone()
    assert (await th.register(ctx, replacement, a_plate)).result == REGISTER_OK
    moved = await th.register(ctx, phone, b_plate)
    assert moved.result == REGISTER_OK and moved.vehicle_id == b_id and moved.auth_code
    rebound = await _row(ctx, phone)
    assert row is not None and rebound is not None and rebound.id == row.id
    assert (rebound.vehicle_id, rebound.plate, rebound.status) == (b_id, b_plate, "active")
    assert not (await th.authenticate(ctx, phone, code)).ok
    assert (await th.authenticate(ctx, phone, moved.auth_code)).vehicle_id == b_id
    async with ctx.sessions() as session:
        bound = await terminals.terminals_of_vehicles(session, vehicle_ids={a_id, b_id, uuid.uuid4()})
    assert {v: t.phone for v, t in bound.items()} == {a_id: replacement, b_id: phone}


async def test_a_retired_truck_authenticates_no_more_and_binds_no_terminal(ctx: Context) -> None:
    carrier = await sh.new_org(ctx, kind="carrier")
    _, admin = await sh.backstage_member(ctx, role="carrier_admin", org_id=carrier)
    vehicle_id, plate = await th.make_vehicle(ctx, carrier_org_id=carrier)
    phone = th.new_phone()
    code = (await th.register(ctx, phone, plate)).auth_code
    assert code and (await th.authenticate(ctx, phone, code)).ok
    async with ctx.sessions() as session:
        retired = await vehicles.retire_for_carrier(session, actor=admin, org_id=carrier, vehicle_id=vehicle_id)
        await session.commit()
    assert retired.status == "retired"
    assert not (await th.authenticate(ctx, phone, code)).ok
    # Neither by plate nor by the terminal phone recorded on it is a retired truck found again.
    assert (await th.register(ctx, phone, plate)).result == REGISTER_NO_VEHICLE
    assert (await th.register(ctx, th.new_phone(), plate)).result == REGISTER_NO_VEHICLE


async def test_online_follows_the_last_seen_time(ctx: Context) -> None:
    vehicle_id, plate = await th.make_vehicle(ctx)
    phone = th.new_phone()
    assert (await th.register(ctx, phone, plate)).result == REGISTER_OK
    async with ctx.sessions() as session:
        shown = await terminals.binding_of_vehicle(session, vehicle_id=vehicle_id)
        assert shown is not None and shown.online and shown.protocol_version == "2013"
        assert await terminals.terminals_of_vehicles(session, vehicle_ids=set()) == {}
        await terminals.touch(session, seen={})  # nothing seen: no statement
        await terminals.touch(session, seen={phone: utcnow() - timedelta(minutes=10), th.new_phone(): utcnow()})
        await session.commit()
    async with ctx.sessions() as session:
        silent = await terminals.binding_of_vehicle(session, vehicle_id=vehicle_id)
        lenient = await terminals.binding_of_vehicle(session, vehicle_id=vehicle_id, online_within_s=900)
    assert silent is not None and not silent.online and silent.status == "active"
    assert lenient is not None and lenient.online
    assert await _rows(ctx) == 1  # touching an unknown phone made no row


async def test_a_retired_trucks_terminal_is_released_and_binds_to_the_trucks_new_record(ctx: Context) -> None:
    """vehicles announce VehicleRetired; terminals subscribe and revoke the binding in the same unit
    (the terminal cannot log out itself: a retired truck no longer authenticates)."""
    carrier = await sh.new_org(ctx, kind="carrier")
    _, admin = await sh.backstage_member(ctx, role="carrier_admin", org_id=carrier)
    vehicle_id, plate = await th.make_vehicle(ctx, carrier_org_id=carrier)
    phone = th.new_phone()
    assert (await th.register(ctx, phone, plate)).result == REGISTER_OK
    async with ctx.sessions() as session:
        await vehicles.retire_for_carrier(session, actor=admin, org_id=carrier, vehicle_id=vehicle_id)
        await session.commit()
    async with ctx.sessions() as session:
        assert await terminals.binding_of_vehicle(session, vehicle_id=vehicle_id) is None
    new_id, _ = await th.make_vehicle(ctx, plate=plate)
    outcome = await th.register(ctx, phone, plate)
    assert (outcome.result, outcome.vehicle_id) == (REGISTER_OK, new_id)
