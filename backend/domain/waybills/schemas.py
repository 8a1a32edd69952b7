"""Waybills on the wire (camelCase), and the live map."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import msgspec

from backend.domain.tracking.schemas import EventOut
from backend.structs import Out, Page, Struct


class WaybillStatus(StrEnum):
    """open (on the road) → arrived → received, or cancelled; stored and sent as these strings."""

    OPEN = "open"
    ARRIVED = "arrived"
    RECEIVED = "received"
    CANCELLED = "cancelled"


STATUS_LABELS: dict[str, tuple[str, str]] = {
    WaybillStatus.OPEN: ("运输中", "on the road"), WaybillStatus.ARRIVED: ("已到达", "arrived"),
    WaybillStatus.RECEIVED: ("已签收", "received"), WaybillStatus.CANCELLED: ("已作废", "cancelled"),
}


class WaybillCreate(Struct):
    """POST /open/v1/waybills: a waybill for a ticketed order, with an optional planned route."""

    order_no: Annotated[str, msgspec.Meta(min_length=1, max_length=24)]
    route: dict[str, Any] | None = None  # GeoJSON LineString [lon, lat]
    width_m: Annotated[float, msgspec.Meta(ge=50, le=20_000)] | None = None


class WaybillReceipt(Struct):
    """POST /open/v1/waybills/{no}/receipt: the consignee's weighing."""

    net_kg: Annotated[int, msgspec.Meta(gt=0, le=200_000)]
    weighed_at: datetime
    # The consignee's gross of the loaded truck (its scale weighs the truck, then the empty one): a
    # gross above the truck's legal limit is an overload on the road, the carrier's to answer for.
    gross_kg: Annotated[int, msgspec.Meta(gt=0, le=200_000)] | None = None
    # The price the consignee settled the load at, when its system sends it (fen per tonne).
    price_fen_per_t: Annotated[int, msgspec.Meta(gt=0, le=100_000_000)] | None = None


class WaybillOut(Out):
    id: uuid.UUID
    waybill_no: str
    order_id: uuid.UUID
    order_no: str
    ticket_no: str | None
    vehicle_id: uuid.UUID
    plate: str
    driver_id: uuid.UUID | None
    carrier_org_id: uuid.UUID | None
    seller_org_id: uuid.UUID
    buyer_org_id: uuid.UUID
    origin_site_id: uuid.UUID
    destination_name: str
    destination_lon: float
    destination_lat: float
    destination_site_id: uuid.UUID | None
    corridor_width_m: float
    status: str
    status_zh: str
    status_en: str
    opened_by: str
    departed_at: datetime
    arrived_at: datetime | None
    received_at: datetime | None
    distance_m: float | None
    duration_s: int | None
    received_net_kg: int | None


class WaybillPage(Page):
    items: list[WaybillOut]


class PlaceOut(Out):
    id: uuid.UUID
    name: str
    fence: dict[str, Any]


class DestinationOut(Out):
    name: str
    lon: float
    lat: float
    site_id: uuid.UUID | None
    fence: dict[str, Any] | None


class WaybillDetail(WaybillOut):
    origin: PlaceOut | None
    destination: DestinationOut
    route: dict[str, Any]  # GeoJSON LineString
    corridor: dict[str, Any]  # GeoJSON Polygon
    track: dict[str, Any]  # GeoJSON LineString, simplified for display
    track_points: int  # stored fixes between departure and arrival (raw count)
    events: list[EventOut]


class ExitOut(Out):
    name: str
    lon: float
    lat: float
    designated: bool
    direction: str


class LiveSite(Out):
    id: uuid.UUID
    name: str
    fence: dict[str, Any]
    exits: list[ExitOut]


class LiveZone(Out):
    id: uuid.UUID
    kind: str
    name: str
    geometry: dict[str, Any]


class LiveVehicle(Out):
    vehicle_id: uuid.UUID
    plate: str
    lon: float
    lat: float
    speed_kmh: float
    course_deg: int
    fix_at: datetime
    source: str
    waybill_no: str | None
    stale: bool  # the fix is older than 10 minutes


class LiveMap(Out):
    sites: list[LiveSite]
    zones: list[LiveZone]
    vehicles: list[LiveVehicle]
    bbox: list[float]  # [minLon, minLat, maxLon, maxLat]


class OpenLoad(msgspec.Struct, frozen=True, kw_only=True):
    """A truck on the road with its load (for the device watchdog: its terminal must report)."""

    waybill_no: str
    vehicle_id: uuid.UUID
    plate: str
    carrier_org_id: uuid.UUID | None
    seller_org_id: uuid.UUID
    origin_site_id: uuid.UUID
    region_code: str
    departed_at: datetime


class ReceivedLoad(Out):
    """An order's waybill as the consignee received it (settlements: the buyer's gate weight)."""

    order_id: uuid.UUID
    waybill_no: str
    status: str
    received_net_kg: int | None


class BillableWaybill(msgspec.Struct, frozen=True, kw_only=True):
    """A closed waybill as a freight invoice's line is checked against it (invoices): who carried
    what, from where to where, how far, and how much arrived (the consignee's receipt, else the ticket)."""

    id: uuid.UUID
    waybill_no: str
    order_id: uuid.UUID
    order_no: str
    plate: str
    status: str
    carrier_org_id: uuid.UUID | None
    seller_org_id: uuid.UUID
    buyer_org_id: uuid.UUID
    driver_user_id: uuid.UUID | None
    region_code: str
    origin_name: str
    origin_region_code: str
    destination_name: str
    departed_at: datetime
    distance_m: float | None
    delivered_kg: int | None
