"""E-waybills (电子运单): one load on the road, from the mine's exit to its destination.

Opened when a ticketed truck leaves its mine (gate-out, or the GPS pipeline's site exit) or by an
enterprise system through /open/v1; closed on arrival (destination fence, or near the destination
point) or by the consignee's weighing. One waybill per pickup order (unique order_id): the two
ways of opening it may race and must still make one.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, TimestampMixin
from backend.domain.waybills.schemas import WaybillStatus


class Waybill(IdMixin, TimestampMixin, Base):
    __tablename__ = "waybills"
    __table_args__ = (
        Index("ix_waybills_vehicle_status", "vehicle_id", "status"),
        Index("ix_waybills_region_departed", "region_code", "departed_at"),
    )

    waybill_no: Mapped[str] = mapped_column(String(24), unique=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_orders.id"), unique=True)
    order_no: Mapped[str] = mapped_column(String(24), index=True)  # the trace code
    ticket_no: Mapped[str | None] = mapped_column(String(24))
    vehicle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vehicles.id"))
    plate: Mapped[str] = mapped_column(String(16))
    driver_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("drivers.id"))
    driver_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    carrier_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    seller_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    origin_site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    # The origin site's region: regulators of that region (and above) see the waybill.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    destination_name: Mapped[str] = mapped_column(String(128))
    destination_lon: Mapped[float] = mapped_column(Float)
    destination_lat: Mapped[float] = mapped_column(Float)
    destination_site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"))
    route: Mapped[dict[str, Any]] = mapped_column(JsonDoc)  # GeoJSON LineString [lon, lat]
    route_planned: Mapped[bool] = mapped_column(default=False)  # False: the straight line
    corridor_width_m: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default=WaybillStatus.OPEN.value, index=True)
    opened_by: Mapped[str] = mapped_column(String(16))  # gate | gps | open_api
    departed_at: Mapped[datetime]
    arrived_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    distance_m: Mapped[float | None] = mapped_column(Float)
    duration_s: Mapped[int | None] = mapped_column(BigInteger)
    received_net_kg: Mapped[int | None] = mapped_column(BigInteger)
