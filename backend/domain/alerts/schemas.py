"""Alerts on the wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from backend.domain.audit.schemas import Subject
from backend.structs import Out, Page, Struct


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

class AlertStatus(StrEnum):
    """The workflow (issue 13, point 3): raised -> acknowledged by a named person -> disposed (cause,
    measures, files) -> closed by the level above's review; a rejected disposal goes back to
    acknowledged. The platform closes an alert itself when its cause was withdrawn or recovered."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    DISPOSED = "disposed"
    CLOSED = "closed"


LIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.DISPOSED)

STATUS_LABELS: dict[AlertStatus, tuple[str, str]] = {
    AlertStatus.OPEN: ("待确认", "to acknowledge"), AlertStatus.ACKNOWLEDGED: ("处置中", "being handled"),
    AlertStatus.DISPOSED: ("待审核", "awaiting review"), AlertStatus.CLOSED: ("已关闭", "closed"),
}


class Outcome(StrEnum):
    RESOLVED = "resolved"  # the disposal was accepted on review
    WITHDRAWN = "withdrawn"  # its cause was withdrawn (a GPS gap the terminal filled in later)
    RECOVERED = "recovered"  # a silent device or site came back (the watchdog)
    APPEAL_UPHELD = "appeal_upheld"  # a regulator upheld the driver's appeal


class Level(StrEnum):
    """Who sees an alert, lowest first: the handling enterprise, the district's and the city's regulators."""

    ENTERPRISE = "enterprise"
    DISTRICT = "district"
    CITY = "city"


LEVELS = (Level.ENTERPRISE, Level.DISTRICT, Level.CITY)


class StepAction(StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    DISPOSED = "disposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ESCALATED = "escalated"
    APPEALED = "appealed"
    APPEAL_UPHELD = "appeal_upheld"
    APPEAL_DISMISSED = "appeal_dismissed"
    CLOSED = "closed"  # closed by the platform (withdrawn, recovered)


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
    # A grade other than the catalogue's default, when the rule knows better (a silent site whose
    # trucks are on the road meanwhile is red).
    grade: Grade | None = None
    # The driver of the truck it is about, when known (he may read it and appeal a GPS kind).
    driver_user_id: uuid.UUID | None = None


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
    status: AlertStatus
    outcome: Outcome | None
    raised_at: datetime
    count: int
    last_seen_at: datetime
    reach: Level
    escalation: int
    ack_due_at: datetime | None
    close_due_at: datetime | None
    # The deadline that counts now (acknowledge while open, close after), and whether it has passed.
    due_at: datetime | None
    overdue: bool
    acked_at: datetime | None
    acked_by: str | None
    disposed_at: datetime | None
    closed_at: datetime | None
    kind_zh: str
    kind_en: str
    updated_at: datetime


AlertState = AlertStatus


class StepOut(Out):
    id: uuid.UUID
    at: datetime
    action: StepAction
    actor: str | None
    note: str | None
    note_en: str | None
    data: dict[str, Any]


class FileOut(Out):
    id: uuid.UUID
    purpose: str
    name: str
    media_type: str
    size_bytes: int
    sha256: str
    uploaded_at: datetime
    attached: bool


class AppealOut(Out):
    id: uuid.UUID
    status: Literal["pending", "upheld", "dismissed"]
    note: str
    track_points: int
    filed_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None


class AlertDetail(Out):
    """One alert with its timeline, files and appeals, and what the reader may do with it now."""

    alert: AlertOut
    steps: list[StepOut]
    files: list[FileOut]
    appeals: list[AppealOut]
    can_acknowledge: bool
    can_dispose: bool
    can_review: bool
    can_appeal: bool
    can_decide_appeal: bool


Text = Annotated[str, msgspec.Meta(min_length=2, max_length=1000)]
Reason = Annotated[str, msgspec.Meta(min_length=2, max_length=500)]


class Disposal(Struct):
    """The handler's account: what caused it and what was done (files uploaded before, by id)."""

    cause: Text
    measures: Text
    file_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=10)] = []


class Review(Struct):
    accept: bool
    # Required when rejecting: what the handler must do again.
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class TrackPoint(msgspec.Struct, frozen=True, array_like=True):
    """One fix of the driver's phone: [unix seconds, longitude, latitude]."""

    at_s: Annotated[int, msgspec.Meta(ge=1_500_000_000, le=4_000_000_000)]
    lon: Annotated[float, msgspec.Meta(ge=73.0, le=136.0)]
    lat: Annotated[float, msgspec.Meta(ge=3.0, le=54.0)]


class AppealIn(Struct):
    note: Text
    track: Annotated[list[TrackPoint], msgspec.Meta(max_length=5000)] = []
    file_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=10)] = []


class AppealDecision(Struct):
    uphold: bool
    reason: Reason


class AlertPage(Page):
    items: list[AlertOut]


class PackFile(msgspec.Struct, frozen=True, kw_only=True):
    """One file an evidence collector puts in a pack: its path inside the zip ("weighing/trace.json"),
    its bytes and media type, and whose personal information it shows (audited when read)."""

    name: str
    data: bytes
    media_type: str
    personal: tuple[Subject, ...] = ()


class EvidencePack(msgspec.Struct, frozen=True, kw_only=True):
    """A built pack: the zip's bytes and the SHA-256 of its manifest (also a response header)."""

    alert_id: uuid.UUID
    filename: str
    data: bytes
    manifest_sha256: str
    files: int
    generated_at: datetime


class PackCheck(msgspec.Struct, frozen=True, kw_only=True):
    """What re-verifying a pack found: ok only when every listed file is there with its size and
    SHA-256, nothing unlisted rides along, and (when a key was at hand) the manifest's signature holds."""

    ok: bool
    files_checked: int
    problems: list[str]
    # "valid", "invalid", or "unchecked" (no platform key to check it with: hashes only).
    signature: str
    manifest_sha256: str | None


class AlertFeed(Out):
    """A page of an enterprise system's feed (/open/v1/alerts), oldest change first. `cursor` is where
    this page ended: pass it back to get what changed after (the same cursor when nothing did);
    `more` says another page is waiting now."""

    items: list[AlertOut]
    cursor: str | None
    more: bool


class OrgFigures(Out):
    """How one handling organisation dealt with its alerts over a period (issue 13, point 7).
    Minutes are from raising; a share is of the alerts whose deadline has come (None: none has)."""

    org_id: uuid.UUID
    org_name: str
    count: int
    ack_median_min: float | None
    ack_p90_min: float | None
    close_median_min: float | None
    acked_in_time_share: float | None
    closed_in_time_share: float | None
    # Live alerts past their current deadline now, raised at any time (an old one is the worst case).
    open_overdue: int


class AlertFigures(Out):
    from_date: str
    to_date: str
    items: list[OrgFigures]
