"""GPS storage: positions (time-partitioned on PostgreSQL), stored events, per-vehicle pipeline
state, and the regulators' zones (checkpoints, coverage holes, truck parks).

`gps_positions` is the largest table of the platform (a city: thousands of rows a second), so it
is partitioned by month on PostgreSQL (RANGE on fix_at; partitions made on demand by
positions.ensure_partitions, beside a DEFAULT partition so that no position is ever refused). Its
primary key (vehicle_id, fix_at) makes a repeated fix (a terminal's retry, a replayed stream entry)
a no-op through ON CONFLICT DO NOTHING.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, utcnow


class GpsPosition(Base):
    __tablename__ = "gps_positions"
    __table_args__ = ({"postgresql_partition_by": "RANGE (fix_at)"},)

    vehicle_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    fix_at: Mapped[datetime] = mapped_column(primary_key=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    speed_kmh: Mapped[float] = mapped_column(Float, default=0.0)
    course_deg: Mapped[int] = mapped_column(SmallInteger, default=0)
    altitude_m: Mapped[int] = mapped_column(Integer, default=0)
    valid: Mapped[bool] = mapped_column(default=True)
    source: Mapped[str] = mapped_column(String(8))  # jt808 | phone
    archive: Mapped[bool] = mapped_column(default=False)  # a blind-area re-upload (0x0704)
    received_at: Mapped[datetime]
    alarm: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[int] = mapped_column(BigInteger, default=0)
    mileage_m: Mapped[int | None] = mapped_column(BigInteger)


class GpsEvent(Base):
    """One event of the pipeline. The id is derived from (vehicle, kind, time, place), so a batch
    processed twice (a worker killed between commit and acknowledgement) stores nothing twice."""

    __tablename__ = "gps_events"
    __table_args__ = (Index("ix_gps_events_vehicle_at", "vehicle_id", "at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    vehicle_id: Mapped[uuid.UUID]
    plate: Mapped[str | None] = mapped_column(String(16))
    at: Mapped[datetime]
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    site_id: Mapped[uuid.UUID | None]
    zone_id: Mapped[uuid.UUID | None]
    waybill_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | withdrawn
    alert_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VehicleTrackState(Base):
    """The pipeline's memory of one vehicle (geo VehicleState as JSON), written with each batch."""

    __tablename__ = "gps_vehicle_states"

    vehicle_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Zone(IdMixin, Base):
    __tablename__ = "gps_zones"

    kind: Mapped[str] = mapped_column(String(16))  # checkpoint | coverage_hole | parking
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    geometry: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    area_m2: Mapped[float] = mapped_column(Float)
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
