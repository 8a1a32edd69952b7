"""Alerts on the wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

from backend.structs import Out, Page


class Grade(StrEnum):
    """Four grades, the most serious first (stored as the string)."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    BLUE = "blue"


GRADE_LABELS: dict[Grade, tuple[str, str]] = {
    Grade.RED: ("红色（严重）", "red (serious)"), Grade.ORANGE: ("橙色", "orange"),
    Grade.YELLOW: ("黄色", "yellow"), Grade.BLUE: ("蓝色", "blue"),
}


class AlertRaise(msgspec.Struct, frozen=True, kw_only=True):
    """What a rule hands to raise_alert; the grade comes from the catalogue."""

    kind: str
    org_id: uuid.UUID
    site_id: uuid.UUID | None
    region_code: str
    ref: str
    message_zh: str
    message_en: str
    plate: str | None = None
    order_no: str | None = None
    details: dict[str, Any] = {}


class AlertOut(Out):
    id: uuid.UUID
    kind: str
    grade: Grade
    site_id: uuid.UUID | None
    plate: str | None
    order_no: str | None
    ref: str
    message_zh: str
    message_en: str
    details: dict[str, Any]
    status: str
    raised_at: datetime


class AlertPage(Page):
    items: list[AlertOut]
