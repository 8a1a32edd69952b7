"""Drivers: the real-name record behind a driver's user account."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, TimestampMixin


class Driver(IdMixin, TimestampMixin, Base):
    __tablename__ = "drivers"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    # PIPL: the number is stored encrypted; the HMAC lookup hash enforces one record per person.
    id_number_enc: Mapped[str] = mapped_column(String(200))
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str] = mapped_column(String(11))
    # The licence number is the ID number itself for most drivers (and the qualification certificate
    # number often is too), so both are personal numbers: encrypted, with a masked copy for display.
    driving_licence_no_enc: Mapped[str] = mapped_column(String(200))
    driving_licence_no_masked: Mapped[str] = mapped_column(String(32))
    qualification_cert_no_enc: Mapped[str] = mapped_column(String(200))
    qualification_cert_no_masked: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    carrier_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # submitted -> verified | rejected; a pluggable verifier decides (format checks by default).
    real_name_status: Mapped[str] = mapped_column(String(16), default="submitted")
    real_name_note: Mapped[str] = mapped_column(String(200), default="")
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | blacklisted
