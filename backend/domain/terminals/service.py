"""JT/T 808 terminals: registration (0x0100) binds a terminal to a registered vehicle and gives it
its own auth code; authentication (0x0102) checks that code; 0x0003 unregisters.

The gateway calls these with a session per message and sends the results as JT/T 808 codes. Auth
codes are stored only as sha256 hex and compared in constant time; they are never logged.
A terminal's row is keyed by its header phone as sent (12 or 20 digits); re-registering the same
terminal for the same vehicle rotates the code (terminals re-register after a factory reset).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.db.unit import savepoint
from backend.domain.terminals import errors
from backend.domain.terminals.models import TerminalBinding
from backend.domain.terminals.schemas import (
    REGISTER_NO_VEHICLE,
    REGISTER_OK,
    REGISTER_TERMINAL_TAKEN,
    REGISTER_VEHICLE_TAKEN,
    AuthOutcome,
    RegisterOutcome,
    SilentTerminal,
    TerminalOut,
)
from backend.domain.vehicles import service as vehicles
from backend.structs import CONTROL_CHARS
from geo.protocols.jt808 import Registration

__all__ = ["JT808_PLATE_COLOURS", "ONLINE_WITHIN_S", "UNPLATED", "authenticate", "binding_of_vehicle", "hash_code",
    "new_auth_code", "register", "release_vehicle", "silent_terminals", "terminal", "terminals_last_seen",
    "terminals_of_vehicles", "touch", "unregister"]


# 0x0100 plate colour codes (JT/T 697.7) → the platform's colours. 0 means unplated (the plate
# field holds the VIN) and 9 "other": neither can be checked, so those look up by terminal phone.
JT808_PLATE_COLOURS = {1: "blue", 2: "yellow", 3: "black", 4: "white", 5: "green", 93: "yellow_green"}
UNPLATED = 0
ONLINE_WITHIN_S = 180


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_auth_code() -> str:
    # 24 URL-safe ASCII characters (144 bits): fits every terminal's code buffer (≤ 32 bytes).
    return secrets.token_urlsafe(18)


def _clean(text: str, width: int) -> str:
    return CONTROL_CHARS.sub("", text)[:width]


async def _binding(session: AsyncSession, phone: str) -> TerminalBinding | None:
    return (await session.execute(select(TerminalBinding).where(TerminalBinding.phone == phone))).scalars().first()


async def register(session: AsyncSession, *, phone: str, registration: Registration, version: str) -> RegisterOutcome:
    """Bind terminal `phone` to the vehicle named in its 0x0100; flushes (the gateway commits)."""
    plate = registration.plate.strip() if registration.plate_color != UNPLATED else None
    if plate and CONTROL_CHARS.search(plate):
        plate = None  # a garbled plate names no vehicle (and PostgreSQL refuses NUL in text)
    found = await vehicles.vehicle_for_terminal(
        session, plate=plate or None, plate_colour=JT808_PLATE_COLOURS.get(registration.plate_color),
        terminal_phone=phone,
    )
    if found is None:
        return RegisterOutcome(result=REGISTER_NO_VEHICLE)
    vehicle = found[0]
    binding = await _binding(session, phone)
    if binding is not None and binding.status == "active" and binding.vehicle_id != vehicle.id:
        return RegisterOutcome(result=REGISTER_TERMINAL_TAKEN)
    other = (await session.execute(select(TerminalBinding.id).where(
        TerminalBinding.vehicle_id == vehicle.id, TerminalBinding.status == "active", TerminalBinding.phone != phone,
    ))).first()
    if other is not None:
        return RegisterOutcome(result=REGISTER_VEHICLE_TAKEN)
    code, now = new_auth_code(), utcnow()
    try:
        # Every change inside the savepoint: a lost race undoes this binding, not the gateway's unit.
        async with savepoint(session):
            if binding is None:
                binding = TerminalBinding(phone=phone)
                session.add(binding)
            binding.vehicle_id, binding.plate, binding.status = vehicle.id, vehicle.plate, "active"
            binding.auth_code_sha256, binding.protocol_version = hash_code(code), version
            binding.maker_id, binding.model = _clean(registration.maker_id, 16), _clean(registration.model, 40)
            binding.terminal_hw_id = _clean(registration.terminal_hw_id, 40)
            binding.province_id, binding.city_id = registration.province_id, registration.city_id
            binding.registered_at, binding.last_seen_at, binding.last_auth_at = now, now, None
            await session.flush()
            await vehicles.attach_terminal_phone(session, vehicle_id=vehicle.id, terminal_phone=phone)
    except IntegrityError as exc:
        # Lost a race: the partial unique index saw another terminal bind this vehicle, or this
        # terminal's row appear, between our reads and our writes.
        taken = "phone" in str(exc.orig).lower()
        return RegisterOutcome(result=REGISTER_TERMINAL_TAKEN if taken else REGISTER_VEHICLE_TAKEN)
    return RegisterOutcome(result=REGISTER_OK, auth_code=code, vehicle_id=vehicle.id)


async def authenticate(session: AsyncSession, *, phone: str, code: str) -> AuthOutcome:
    """The vehicle an active terminal reports for, if `code` is its current code; sets last_auth_at (flushed)."""
    binding = await _binding(session, phone)
    # Hash even for an unknown terminal, so timing does not tell which phones are registered.
    given = hash_code(code)
    if binding is None or binding.status != "active":
        return AuthOutcome(vehicle_id=None)
    if not hmac.compare_digest(given, binding.auth_code_sha256):
        return AuthOutcome(vehicle_id=None)
    if not await vehicles.active_vehicle_ids(session, vehicle_ids={binding.vehicle_id}):
        return AuthOutcome(vehicle_id=None)  # a retired or blacklisted truck reports no more
    binding.last_auth_at = binding.last_seen_at = utcnow()
    out = AuthOutcome(vehicle_id=binding.vehicle_id, plate=binding.plate)
    return out


async def unregister(session: AsyncSession, *, phone: str) -> bool:
    """0x0003: the terminal leaves its vehicle; it must register again. Flushes (the gateway commits)."""
    result = await session.execute(
        update(TerminalBinding).where(TerminalBinding.phone == phone, TerminalBinding.status == "active")
        .values(status="revoked", updated_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


async def release_vehicle(session: AsyncSession, *, vehicle_id: uuid.UUID) -> int:
    """The vehicle left service: its active binding is revoked (the terminal may register anew)."""
    result = await session.execute(
        update(TerminalBinding).where(TerminalBinding.vehicle_id == vehicle_id, TerminalBinding.status == "active")
        .values(status="revoked", updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def touch(session: AsyncSession, *, seen: Mapping[str, datetime]) -> None:
    """Last-seen times of many terminals in one executemany (the gateway flushes every few seconds)."""
    if not seen:
        return
    table = cast(Table, TerminalBinding.__table__)  # Core executemany: WHERE on phone, not the primary key
    stmt = update(table).where(table.c.phone == bindparam("b_phone")).values(last_seen_at=bindparam("b_seen"))
    await session.execute(stmt, [{"b_phone": phone, "b_seen": at} for phone, at in seen.items()])


def _out(b: TerminalBinding, *, now: datetime, online_within_s: int) -> TerminalOut:
    online = b.status == "active" and b.last_seen_at is not None and now - b.last_seen_at <= timedelta(
        seconds=online_within_s)
    return TerminalOut(
        phone=b.phone, vehicle_id=b.vehicle_id, plate=b.plate, protocol_version=b.protocol_version,
        maker_id=b.maker_id, model=b.model, registered_at=b.registered_at, last_auth_at=b.last_auth_at,
        last_seen_at=b.last_seen_at, status=b.status, online=online,
    )


async def terminals_of_vehicles(
    session: AsyncSession, *, vehicle_ids: set[uuid.UUID], online_within_s: int = ONLINE_WITHIN_S,
) -> dict[uuid.UUID, TerminalOut]:
    """The active terminal of each vehicle that has one (for live maps: "terminal online")."""
    if not vehicle_ids:
        return {}
    rows = await session.execute(select(TerminalBinding).where(
        TerminalBinding.vehicle_id.in_(vehicle_ids), TerminalBinding.status == "active"))
    now = utcnow()
    return {b.vehicle_id: _out(b, now=now, online_within_s=online_within_s) for b in rows.scalars()}


async def binding_of_vehicle(
    session: AsyncSession, *, vehicle_id: uuid.UUID, online_within_s: int = ONLINE_WITHIN_S,
) -> TerminalOut | None:
    return (await terminals_of_vehicles(session, vehicle_ids={vehicle_id}, online_within_s=online_within_s)).get(
        vehicle_id)


async def terminal(session: AsyncSession, *, phone: str, online_within_s: int = ONLINE_WITHIN_S) -> TerminalOut:
    """One terminal by phone, active or revoked; not found otherwise."""
    binding = await _binding(session, phone)
    if binding is None:
        raise errors.terminal_not_found()
    return _out(binding, now=utcnow(), online_within_s=online_within_s)


async def silent_terminals(session: AsyncSession, *, vehicle_ids: set[uuid.UUID], before: datetime) -> list[SilentTerminal]:
    """The active terminals of these vehicles that have reported, but not since `before` (the
    watchdog asks only about trucks on an open waybill: a parked truck's terminal may sleep)."""
    if not vehicle_ids:
        return []
    rows = await session.execute(select(TerminalBinding.phone, TerminalBinding.vehicle_id, TerminalBinding.plate,
                                        TerminalBinding.last_seen_at)
                                 .where(TerminalBinding.vehicle_id.in_(vehicle_ids), TerminalBinding.status == "active",
                                        TerminalBinding.last_seen_at < before))
    return [SilentTerminal(phone=p, vehicle_id=v, plate=pl, last_seen_at=at) for p, v, pl, at in rows.all() if at]


async def terminals_last_seen(session: AsyncSession, *, phones: set[str]) -> dict[str, datetime | None]:
    """The last report of each terminal (a revoked one is no longer expected: it reads as now)."""
    if not phones:
        return {}
    rows = await session.execute(select(TerminalBinding.phone, TerminalBinding.last_seen_at, TerminalBinding.status)
                                 .where(TerminalBinding.phone.in_(phones)))
    now = utcnow()
    return {p: seen if status == "active" else now for p, seen, status in rows.all()}
