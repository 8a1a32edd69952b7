"""Pickup orders on the wire (camelCase JSON). Weights in kg, times UTC (shown in Asia/Shanghai)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from backend.domain.contracts.schemas import LabelOut
from backend.domain.orders.gate_schemas import (  # noqa: F401 (re-exported: the feature's public schemas)
    DriverPassOut,
    OfflinePassages,
    OfflinePassagesOut,
    PassVerdictOut,
    PassVerify,
    PlateRead,
    ScannedCode,
)
from backend.structs import Out, Struct


class OrderStatus(StrEnum):
    """Where a pickup order stands (stored and sent as these strings); its moves are orders.rules.TRANSITIONS."""

    ISSUED = "issued"
    DISPATCHED = "dispatched"
    ENTERED = "entered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


STATUS_LABELS: dict[str, tuple[str, str]] = {
    OrderStatus.ISSUED: ("已开单", "Issued"),
    OrderStatus.DISPATCHED: ("已派车", "Dispatched"),
    OrderStatus.ENTERED: ("已入场", "Entered"),
    OrderStatus.COMPLETED: ("已完成", "Completed"),
    OrderStatus.CANCELLED: ("已作废", "Cancelled"),
    OrderStatus.EXPIRED: ("已过期", "Expired"),
}
OPEN_STATUSES = (OrderStatus.ISSUED, OrderStatus.DISPATCHED, OrderStatus.ENTERED)
# A weighbridge weighs a dispatched truck (its entry follows), one inside, and a completed one's re-weigh.
WEIGHABLE_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.ENTERED, OrderStatus.COMPLETED)

_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
# Loose wire bounds keep absurd numbers off the 64-bit columns; the rules answer 422 with the reason.
Kg = Annotated[int, msgspec.Meta(ge=-(10**12), le=10**12)]
Count = Annotated[int, msgspec.Meta(ge=-1000, le=1000)]
Note = Annotated[str, msgspec.Meta(max_length=200, pattern=_PRINTABLE)]
Lon = Annotated[float, msgspec.Meta(ge=-180, le=180)]
Lat = Annotated[float, msgspec.Meta(ge=-90, le=90)]


class OrderIssue(Struct):
    """Issue `count` identical orders (a batch) on an active contract for one of the seller's sites.

    Each order reserves `plannedKg` of the contract; the batch is all or nothing. Validity defaults
    to now until 24 h later and must fall within the contract's validity."""

    contract_id: uuid.UUID
    site_id: uuid.UUID
    planned_kg: Kg
    count: Count = 1
    carrier_org_id: uuid.UUID | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    note: Note = ""


class OrderDispatch(Struct):
    """派单: the truck (by plate) and its driver (by phone) for this load."""

    plate: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    driver_phone: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]


class OrderCancel(Struct):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_PRINTABLE)]


class CheckIn(Struct):
    """The phone's position when the driver taps 签到 (WGS-84, from the browser's geolocation)."""

    lon: Lon
    lat: Lat
    accuracy_m: Annotated[float, msgspec.Meta(ge=0, le=1e6)] | None = None


class AppointmentBook(Struct):
    """预约: the hour (its start, on the hour) the driver means to arrive at the site."""

    hour_start: datetime


class OrderOut(Out):
    id: uuid.UUID
    order_no: str
    status: str
    status_label: LabelOut
    contract_id: uuid.UUID
    contract_no: str
    seller_org_id: uuid.UUID
    seller_name: str
    buyer_org_id: uuid.UUID
    buyer_name: str
    site_id: uuid.UUID
    site_name: str
    product: str
    product_label: LabelOut
    planned_kg: int
    carrier_org_id: uuid.UUID | None
    carrier_name: str | None
    batch_id: uuid.UUID | None
    valid_from: datetime
    valid_until: datetime
    plate: str | None
    new_energy: bool | None
    driver_id: uuid.UUID | None
    driver_name: str | None
    note: str
    dispatched_at: datetime | None
    entered_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    # What its lifecycle allows now (orders.rules), so that pages ask instead of re-encoding it; the
    # API still decides who may, on every request.
    awaits_truck: bool  # issued: no truck named yet (派车)
    can_dispatch: bool  # a truck may be named or changed (派车, 改派) before it enters
    can_cancel: bool
    can_check_in: bool  # the driver may check in or book an hour (dispatched, not yet inside)
    has_pass: bool  # the one-code pass opens the gate


class OrderPage(Out):
    total: int
    offset: int
    limit: int
    items: list[OrderOut]


class TransitionOut(Out):
    at: datetime
    actor_label: str
    from_status: str | None
    to_status: str
    note: str


class OrderDetail(Out):
    order: OrderOut
    transitions: list[TransitionOut]


class OrderBrief(msgspec.Struct, frozen=True, kw_only=True):
    """What other features need of an order (weighbridge, waybills): no names, no secrets."""

    id: uuid.UUID
    order_no: str
    contract_id: uuid.UUID
    seller_org_id: uuid.UUID
    site_id: uuid.UUID
    product: str
    planned_kg: int
    status: str
    plate: str | None
    vehicle_id: uuid.UUID | None
    driver_id: uuid.UUID | None
    buyer_org_id: uuid.UUID
    carrier_org_id: uuid.UUID | None
    driver_user_id: uuid.UUID | None
    region_code: str
    exit_block: str | None
    entered_at: datetime | None


class FleetTruck(Out):
    """A truck a carrier's dispatcher may pick: the carrier's own, or one its driver owns (挂靠)."""

    plate: str
    new_energy: bool
    max_load_kg: int  # what dispatch lets it carry: its rated load, within GB 1589's legal gross
    owner_driver_id: uuid.UUID | None
    busy_order_no: str | None  # the open order holding it now (dispatch would be refused)


class FleetDriver(Out):
    id: uuid.UUID
    name: str
    phone: str
    verified: bool  # real-name verified: dispatch refuses the others


class DispatchChoices(Out):
    """What the carrier's dispatcher picks from when giving its orders a truck and a driver."""

    carrier_org_id: uuid.UUID
    trucks: list[FleetTruck]
    drivers: list[FleetDriver]
