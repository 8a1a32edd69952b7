"""Vehicles: one plate, one active vehicle."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, TimestampMixin


class Vehicle(IdMixin, TimestampMixin, Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        # The database itself refuses a second active vehicle with the same plate, also under races.
        Index(
            "uq_vehicles_active_plate", "plate", unique=True,
            sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'"),
        ),
    )

    plate: Mapped[str] = mapped_column(String(12), index=True)
    plate_colour: Mapped[str] = mapped_column(String(16))
    new_energy: Mapped[bool]
    body: Mapped[str] = mapped_column(String(24))  # truck | tractor_semitrailer
    axle_count: Mapped[int]
    legal_gross_kg: Mapped[int]
    rated_load_kg: Mapped[int]
    energy_type: Mapped[str] = mapped_column(String(16))
    terminal_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    carrier_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    owner_driver_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("drivers.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | retired | blacklisted
