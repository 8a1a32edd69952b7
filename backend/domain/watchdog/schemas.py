"""The watchdog's vocabulary (it has no HTTP face: what it finds are alerts, read through alerts)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import msgspec


class Subject(StrEnum):
    DEVICE = "device"  # a site's device that reports by heartbeat (/open/v1/devices/heartbeat)
    TERMINAL = "terminal"  # a truck's JT/T 808 terminal while the truck is on an open waybill
    SITE = "site"  # every reporting device of a site at once


class Silence(msgspec.Struct, frozen=True, kw_only=True):
    """A subject silent now, with what its alert says."""

    ref: str
    subject: Subject
    subject_id: str
    kind: str  # the alert kind: device_silent | site_silent
    org_id: uuid.UUID
    site_id: uuid.UUID | None
    region_code: str
    last_seen_at: datetime
    message_zh: str
    message_en: str
    plate: str | None = None
    details: dict[str, object] = {}


class SweepCounts(msgspec.Struct, frozen=True, kw_only=True):
    silent: int  # subjects found silent in this sweep
    raised: int  # outages started (new alerts)
    flapped: int  # outages restarted within the hold (counted on the live alert)
    back: int  # subjects that reported again (their hold starts)
    recovered: int  # alerts closed after the hold
