"""Vehicles on the wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import msgspec

from backend.structs import Out, Struct

# Loose bounds only: plate, colour, body, axles, energy and load are checked by backend.checks,
# which answer 422 with a reason a driver understands (and the field named).
Short = Annotated[str, msgspec.Meta(min_length=1, max_length=24)]


class VehicleCreate(Struct):
    plate: Short
    plate_colour: Short
    body: Short
    axle_count: Annotated[int, msgspec.Meta(ge=0, le=99)]
    energy_type: Short
    rated_load_kg: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
    terminal_phone: Annotated[str, msgspec.Meta(max_length=24)] | None = None


class LabelOut(Out):
    zh: str
    en: str


class VehicleOut(Out):
    id: uuid.UUID
    plate: str
    plate_colour: str
    plate_colour_label: LabelOut
    new_energy: bool
    body: str
    body_label: LabelOut
    axle_count: int
    legal_gross_kg: int
    rated_load_kg: int
    energy_type: str
    energy_type_label: LabelOut
    terminal_phone: str | None
    owner_driver_id: uuid.UUID | None
    carrier_org_id: uuid.UUID | None
    region_code: str
    status: str
    created_at: datetime


class VehiclePage(Out):
    total: int
    offset: int
    limit: int
    items: list[VehicleOut]


class VehicleBrief(msgspec.Struct, frozen=True, kw_only=True):
    """What dispatch needs of a vehicle: whose it is, what it may carry, whether it may run."""

    id: uuid.UUID
    plate: str
    new_energy: bool
    rated_load_kg: int
    legal_gross_kg: int
    carrier_org_id: uuid.UUID | None
    owner_driver_id: uuid.UUID | None
    status: str
