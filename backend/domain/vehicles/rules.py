"""Pure checks of a vehicle (backend.checks), each failure naming its JSON field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.checks.errors import CheckFailed
from backend.checks.plate import Plate, check_plate
from backend.checks.vehicle import check_energy_plate, check_rated_load_kg, legal_gross_kg
from backend.domain.vehicles import errors
from backend.domain.vehicles.schemas import VehicleCreate
from backend.errors import Invalid

# JT/T 808 terminal ids: the 2013 edition carries 6 BCD bytes (a 12-digit number, 11-digit mobile
# numbers left-padded with 0), the 2019 edition 10 BCD bytes (up to 20 digits).
_TERMINAL_RE = re.compile(r"[0-9]{11,20}")


@dataclass(frozen=True, slots=True)
class CheckedVehicle:
    plate: Plate
    body: str
    axle_count: int
    legal_gross_kg: int
    rated_load_kg: int
    energy_type: str
    terminal_phone: str | None


def _invalid(exc: CheckFailed, field: str) -> Invalid:
    return Invalid(exc.code, exc.message_zh, exc.message_en, field=field)


def check_vehicle(data: VehicleCreate, *, prefix: str = "") -> CheckedVehicle:
    """All vehicle rules; `prefix` names the nesting in the body ("vehicle." at registration)."""
    try:
        plate = check_plate(data.plate, colour=data.plate_colour)
    except CheckFailed as exc:
        raise _invalid(exc, prefix + ("plateColour" if exc.code == "plate_colour" else "plate")) from None
    try:
        gross_kg = legal_gross_kg(axle_count=data.axle_count, body=data.body)
    except CheckFailed as exc:
        raise _invalid(exc, prefix + ("body" if exc.code == "vehicle_body" else "axleCount")) from None
    try:
        check_energy_plate(energy_type=data.energy_type, plate=plate)
    except CheckFailed as exc:
        raise _invalid(exc, prefix + "energyType") from None
    try:
        check_rated_load_kg(rated_load_kg=data.rated_load_kg, legal_gross_kg=gross_kg)
    except CheckFailed as exc:
        raise _invalid(exc, prefix + "ratedLoadKg") from None
    terminal = None
    if data.terminal_phone is not None and data.terminal_phone.strip():
        terminal = data.terminal_phone.strip()
        if not _TERMINAL_RE.fullmatch(terminal):
            raise errors.terminal_phone_format(prefix + "terminalPhone")
    return CheckedVehicle(
        plate=plate, body=data.body, axle_count=data.axle_count, legal_gross_kg=gross_kg,
        rated_load_kg=data.rated_load_kg, energy_type=data.energy_type, terminal_phone=terminal,
    )
