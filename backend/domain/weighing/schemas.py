"""Weighing on the wire: the lane's identify and submit (docs/lane-protocol.md), tickets, overrides."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from backend.domain.orders.schemas import PlateRead, ScannedCode
from backend.structs import Out, Page, Struct


class TicketStatus(StrEnum):
    """A weigh ticket stands (valid) until a re-weigh replaces it (void); stored as these strings."""

    VALID = "valid"
    VOID = "void"


Kind = Literal["tare", "gross"]
KIND_LABELS = {"tare": ("皮重", "tare"), "gross": ("毛重", "gross")}
# A lane down-samples its trace to this many points (docs/lane-protocol.md).
MAX_TRACE_POINTS = 2000
MAX_PICTURES = 4
MAX_PICTURE_B64 = 700_000  # ~512 KiB of JPEG: a plate close-up and a scene fit easily


class LaneIdentify(Struct):
    plate_read: PlateRead | None = None
    code: ScannedCode | None = None
    at: datetime | None = None


class LaneDecisionOut(Out):
    accepted: bool
    code: str
    message_zh: str
    message_en: str
    open_barrier: bool
    kind: Kind | None = None
    order_id: uuid.UUID | None = None
    order_no: str | None = None
    plate: str | None = None


class StableStats(Struct):
    median_kg: int
    min_kg: int
    max_kg: int
    samples: Annotated[int, msgspec.Meta(ge=1)]
    hold_s: Annotated[float, msgspec.Meta(ge=0, le=600)]


class Gratings(Struct):
    in_blocked: bool
    out_blocked: bool


class Picture(Struct):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    content_b64: Annotated[str, msgspec.Meta(max_length=MAX_PICTURE_B64)]


# [ms since on-scale, kg] or [ms, kg, clear] where clear is 1 when both gratings were clear.
TracePoint = Annotated[list[int], msgspec.Meta(min_length=2, max_length=3)]


class WeighingSubmit(Struct):
    weighing_id: uuid.UUID
    order_id: uuid.UUID
    kind: Kind
    weight_kg: Annotated[int, msgspec.Meta(ge=0, le=200_000)]
    stable: StableStats
    on_scale_at: datetime
    weighed_at: datetime
    gratings: Gratings
    signature: Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
    plate_read: Annotated[str, msgspec.Meta(max_length=16)] = ""
    trace: Annotated[list[TracePoint], msgspec.Meta(max_length=MAX_TRACE_POINTS)] = []
    pictures: Annotated[list[Picture], msgspec.Meta(max_length=MAX_PICTURES)] = []
    offline: bool = False


class WeighingAnswer(Out):
    weighing_id: uuid.UUID
    accepted: bool
    code: str
    message_zh: str
    message_en: str
    kind: Kind
    open_exit: bool
    alerts: list[str]
    duplicate: bool = False
    ticket_no: str | None = None
    net_kg: int | None = None
    verify_url: str | None = None


class TicketOut(Out):
    id: uuid.UUID
    ticket_no: str
    status: str
    order_id: uuid.UUID
    order_no: str
    contract_no: str
    plate: str
    seller_name: str
    buyer_name: str
    carrier_name: str | None
    site_name: str
    product: str
    tare_kg: int
    gross_kg: int
    net_kg: int
    tare_at: datetime
    gross_at: datetime
    tare_lane: str
    gross_lane: str
    tare_device: str
    gross_device: str
    photos: list[dict[str, Any]]
    anomalies: list[dict[str, Any]]
    evidence_seq: int | None
    issued_at: datetime
    verify_url: str
    void_reason: str = ""


class TicketPage(Page):
    items: list[TicketOut]


class WeighingOut(Out):
    id: uuid.UUID
    order_id: uuid.UUID | None
    kind: str
    plate: str | None
    plate_read: str
    weight_kg: int
    status: str
    code: str
    message_zh: str
    message_en: str
    weighed_at: datetime
    received_at: datetime
    offline: bool
    order_no: str | None = None


class WeighingPage(Page):
    items: list[WeighingOut]


class OverrideCreate(Struct):
    order_id: uuid.UUID
    kind: Kind
    reason: Annotated[str, msgspec.Meta(min_length=4, max_length=500)]


class OverrideOut(Out):
    id: uuid.UUID
    order_id: uuid.UUID
    kind: str
    reason: str
    by_label: str
    created_at: datetime
    valid_until: datetime
    used: bool


class TicketVerifyOut(Out):
    """What the public verify page shows: the ticket as recorded, and whether the record, its
    evidence entry and the entry's link to the chain all still hold."""

    valid: bool
    code: str
    message_zh: str
    message_en: str
    ticket: TicketOut | None
    evidence_seq: int | None = None
    evidence_hash: str | None = None
    evidence_at: datetime | None = None


class LaneOut(Out):
    """A lane as its controller last reported it (docs/lane-protocol.md §3)."""

    lane_id: uuid.UUID
    name: str
    direction: str
    has_weighbridge: bool
    device_code: str | None
    last_seen_at: datetime | None
    online: bool
    state: str
    plate: str | None
    weight_kg: int | None
    message: str
    outbox: int


class TicketLoad(Out):
    """A ticket as a load to be settled (settlements): which contract, how much, when weighed."""

    id: uuid.UUID
    ticket_no: str
    status: str
    order_id: uuid.UUID
    order_no: str
    contract_id: uuid.UUID
    plate: str
    net_kg: int
    gross_at: datetime


class TicketKey(msgspec.Struct, frozen=True, kw_only=True):
    """A valid ticket's join facts (weighing.ticket_keys): which contract and order, how much, which day."""

    ticket_no: str
    contract_id: uuid.UUID
    order_id: uuid.UUID
    net_kg: int
    day: date
