"""GPS tracking on the wire, and the records other features get from it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from backend.structs import Out, Struct

ZoneKind = Literal["checkpoint", "coverage_hole", "parking"]
ZONE_KIND_LABELS = {"checkpoint": ("卡口", "checkpoint"), "coverage_hole": ("信号盲区", "coverage hole"),
                    "parking": ("停车区", "truck park")}


class ZoneCreate(Struct):
    kind: ZoneKind
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    region_code: Annotated[str, msgspec.Meta(min_length=6, max_length=6)]
    geometry: dict[str, Any]


class ZoneOut(Out):
    id: uuid.UUID
    kind: str
    name: str
    region_code: str
    geometry: dict[str, Any]
    area_m2: float
    created_at: datetime


class StoredEvent(msgspec.Struct, frozen=True, kw_only=True):
    """A stored GPS event, for the features that attach and route it (waybills, alerts)."""

    id: uuid.UUID
    kind: str
    vehicle_id: uuid.UUID
    plate: str | None
    at: datetime
    lon: float
    lat: float
    site_id: uuid.UUID | None
    zone_id: uuid.UUID | None
    waybill_id: uuid.UUID | None
    details: dict[str, Any]
    status: str
    alert_id: uuid.UUID | None


class EventOut(Out):
    kind: str
    at: datetime
    lon: float
    lat: float
    details: dict[str, Any]
    status: str
    message_zh: str
    message_en: str


class PhonePosition(Struct):
    fix_at: datetime  # ISO 8601 with its offset; a time without one is refused (which zone would it be?)
    lon: float
    lat: float
    speed_kmh: float | None = None
    course_deg: float | None = None
    accuracy_m: float | None = None
    altitude_m: float | None = None


class PhoneUpload(Struct):
    positions: Annotated[list[PhonePosition], msgspec.Meta(min_length=1, max_length=500)]
    vehicle_id: uuid.UUID | None = None


class PhoneAccepted(Out):
    accepted: int
    vehicle_id: uuid.UUID
