"""Keys of machines (enterprise systems, edge agents, devices) that sign calls to /open/v1."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, TimestampMixin


class MachineKey(IdMixin, TimestampMixin, Base):
    __tablename__ = "machine_keys"

    key_id: Mapped[str] = mapped_column(String(40), unique=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    # HMAC needs the secret itself on the server: it is kept encrypted with the data key.
    secret_enc: Mapped[str] = mapped_column(String(200))
    # After a rotation the previous secret keeps working until `previous_valid_until`.
    previous_secret_enc: Mapped[str | None] = mapped_column(String(200))
    previous_valid_until: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | revoked
    last_used_at: Mapped[datetime | None]
