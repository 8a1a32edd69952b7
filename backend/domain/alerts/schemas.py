"""Alerts on the wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

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

# Who sees an alert at once: the enterprise (or carrier) that handles it, the district's and the city's regulators.
Audience = Literal["enterprise", "district", "city"]
Channel = Literal["inbox", "push", "sms"]
Minutes = Annotated[int, msgspec.Meta(ge=1, le=30 * 24 * 60)]


class GradeRoute(msgspec.Struct, frozen=True, kw_only=True, rename="camel", forbid_unknown_fields=True):
    """One grade's routing in a region: who sees it at once, the deadlines, the channels."""

    audience: Annotated[list[Audience], msgspec.Meta(min_length=1, max_length=3)]
    ack_min: Minutes
    close_min: Minutes
    channels: Annotated[list[Channel], msgspec.Meta(min_length=1, max_length=3)]


class Routing(msgspec.Struct, frozen=True, kw_only=True, rename="camel", forbid_unknown_fields=True):
    red: GradeRoute
    orange: GradeRoute
    yellow: GradeRoute
    blue: GradeRoute

    def of(self, grade: Grade) -> GradeRoute:
        route: GradeRoute = getattr(self, grade.value)
        return route


class RoutingOut(Out):
    region_code: str
    # Whose settings apply: the region's own, its city's, or the platform default.
    source: Literal["own", "city", "default"]
    routing: Routing


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
    # The device a DEVICE-subject kind is about ("lane:<uuid>", "terminal:<sim>"...).
    device_ref: str | None = None
    details: dict[str, Any] = {}


class AlertOut(Out):
    id: uuid.UUID
    kind: str
    grade: Grade
    region_code: str
    site_id: uuid.UUID | None
    plate: str | None
    order_no: str | None
    ref: str
    message_zh: str
    message_en: str
    details: dict[str, Any]
    status: str
    raised_at: datetime
    count: int
    last_seen_at: datetime


AlertState = Literal["open", "handled"]


class AlertPage(Page):
    items: list[AlertOut]
