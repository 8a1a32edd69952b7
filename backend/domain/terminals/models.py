"""Terminal bindings: which JT/T 808 terminal reports for which vehicle, and its auth code."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, TimestampMixin, utcnow


class TerminalBinding(IdMixin, TimestampMixin, Base):
    """One row per terminal (its header phone). A revoked row is kept and reused on re-registration."""

    __tablename__ = "terminal_bindings"
    __table_args__ = (
        # One active terminal per vehicle, enforced by the database also when two registrations race.
        Index(
            "uq_terminal_bindings_active_vehicle", "vehicle_id", unique=True,
            sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'"),
        ),
    )

    # The header's BCD id as text: 12 digits (2011/2013) or 20 digits (2019), zero-padded as sent.
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    vehicle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vehicles.id"), index=True)
    plate: Mapped[str] = mapped_column(String(20))  # the vehicle's plate at binding (plates never change)
    # sha256 hex of the auth code: a leaked table must not let anyone impersonate a terminal.
    auth_code_sha256: Mapped[str] = mapped_column(String(64))
    protocol_version: Mapped[str] = mapped_column(String(4))  # 2011 | 2013 | 2019
    maker_id: Mapped[str] = mapped_column(String(16), default="")
    model: Mapped[str] = mapped_column(String(40), default="")
    terminal_hw_id: Mapped[str] = mapped_column(String(40), default="")
    province_id: Mapped[int] = mapped_column(default=0)
    city_id: Mapped[int] = mapped_column(default=0)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_auth_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | revoked
