"""Sites (mine yards, plants, stations) with their fence, check-in zone, gates, lanes and devices."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, TimestampMixin


class Site(IdMixin, TimestampMixin, Base):
    __tablename__ = "sites"

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(24))  # mine_yard | washing_plant | loading_station | consumer_yard | rail_yard
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    fence: Mapped[dict[str, Any]] = mapped_column(JsonDoc)  # GeoJSON geometry, RFC 7946 orientation
    fence_area_m2: Mapped[float]
    centroid_lon: Mapped[float]
    centroid_lat: Mapped[float]
    checkin_zone: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | closed
    # The tonnes a day the site is approved to sell (核定产能); None when the authority set none.
    approved_capacity_t_per_day: Mapped[int | None]


class Gate(IdMixin, TimestampMixin, Base):
    __tablename__ = "gates"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))  # in | out | both
    # Designated gates are the only legal ways out; leaving elsewhere is an e-fence violation.
    designated: Mapped[bool] = mapped_column(default=True)
    lon: Mapped[float | None]
    lat: Mapped[float | None]


class Lane(IdMixin, TimestampMixin, Base):
    __tablename__ = "lanes"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    gate_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("gates.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))  # in | out | both
    has_weighbridge: Mapped[bool] = mapped_column(default=False)


class Device(IdMixin, TimestampMixin, Base):
    __tablename__ = "devices"
    # The watchdog's sweep reads only devices silent beyond a cutoff: a range on this index.
    __table_args__ = (Index("ix_devices_last_seen", "last_seen_at"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    lane_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lanes.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(24))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128), default="")
    vendor: Mapped[str] = mapped_column(String(64), default="")
    last_seen_at: Mapped[datetime | None]
    last_status: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired
