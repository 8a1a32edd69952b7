"""Alerts on the wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import msgspec

from backend.structs import Out, Page

GRADE_LABELS = {1: ("一级（严重）", "grade 1 (serious)"), 2: ("二级", "grade 2"), 3: ("三级", "grade 3")}


class AlertRaise(msgspec.Struct, frozen=True, kw_only=True):
    """What a rule hands to raise_alert."""

    kind: str
    grade: int
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
    grade: int
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
