"""The queue on the wire (camelCase JSON), and the ticket the orders feature hands in."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

import msgspec

from backend.structs import Out, Struct

# A product line is the product code of the order (raw_coal, lump_coal, ...): it names Redis keys.
LINE_PATTERN = r"^[a-z][a-z0-9_]{1,31}$"
Line = Annotated[str, msgspec.Meta(pattern=LINE_PATTERN)]


class QueueTicket(msgspec.Struct, frozen=True, kw_only=True):
    """What the queue needs of a dispatched order; built by the orders feature."""

    order_id: uuid.UUID
    order_no: str
    site_id: uuid.UUID
    line: str  # the product code, e.g. "lump_coal"
    plate: str
    new_energy: bool
    driver_user_id: uuid.UUID


class QueueCardOut(Out):
    """The driver's card: where he stands and when he will be called."""

    order_id: uuid.UUID
    order_no: str
    site_id: uuid.UUID
    site_name: str
    line: str
    plate: str
    new_energy: bool
    state: str  # waiting | called | served | dropped | left
    position: int | None  # 1 = next to be called; None unless waiting
    ahead: int | None
    eta_minutes: int | None
    service_interval_s: int
    called_at: datetime | None
    call_deadline_at: datetime | None
    requeues: int
    checked_in_at: datetime


class QueueEventOut(Out):
    at: datetime
    actor_label: str
    from_state: str | None
    to_state: str
    note: str


class BoardWaitingOut(Out):
    position: int
    order_id: uuid.UUID
    order_no: str
    plate: str
    new_energy: bool
    waited_minutes: int
    requeues: int
    checked_in_at: datetime


class BoardCalledOut(Out):
    order_id: uuid.UUID
    order_no: str
    plate: str
    new_energy: bool
    called_at: datetime
    call_deadline_at: datetime
    seconds_left: int  # negative: overdue, the sweep will requeue or drop it
    requeues: int


class QueueLineOut(Out):
    line: str
    waiting: list[BoardWaitingOut]
    called: list[BoardCalledOut]
    served_today: int
    service_interval_s: int
    service_interval_measured: bool  # False: too few recent services, the 6-minute default


class QueueSettingsIn(Struct):
    """The whole of a site's queue rules (PUT replaces them)."""

    nev_first: bool
    call_deadline_s: Annotated[int, msgspec.Meta(ge=60, le=7200)]
    appointments_required: bool
    hourly_quota: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None


class QueueSettingsOut(Out):
    site_id: uuid.UUID
    nev_first: bool
    call_deadline_s: int
    appointments_required: bool
    hourly_quota: int | None


class QueueBoardOut(Out):
    site_id: uuid.UUID
    site_name: str
    at: datetime
    settings: QueueSettingsOut
    lines: list[QueueLineOut]


class QueueCall(Struct):
    line: Line
    count: Annotated[int, msgspec.Meta(ge=1, le=20)] = 1


class QueueCallOut(Out):
    line: str
    called: list[BoardCalledOut]


class SlotOut(Out):
    hour_start: datetime
    hour_end: datetime
    quota: int | None
    booked: int
    remaining: int | None  # None: no quota


class SlotDayOut(Out):
    site_id: uuid.UUID
    site_name: str
    date: date  # the day in Asia/Shanghai
    appointments_required: bool
    slots: list[SlotOut]


class AppointmentOut(Out):
    id: uuid.UUID
    order_id: uuid.UUID
    order_no: str
    site_id: uuid.UUID
    hour_start: datetime
    hour_end: datetime
    state: str  # booked | used | cancelled
    created_at: datetime
