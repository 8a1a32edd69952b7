"""Invitations: a carrier asks a driver into its fleet, an organisation asks a person into a role."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, TimestampMixin

_PENDING = text("status = 'pending'")


class Invitation(IdMixin, TimestampMixin, Base):
    __tablename__ = "invitations"
    # One open invitation per organisation, kind, role and phone: a second click answers with the first.
    __table_args__ = (
        Index("uq_invitations_pending", "org_id", "kind", "role", "phone", unique=True,
              sqlite_where=_PENDING, postgresql_where=_PENDING),
    )

    kind: Mapped[str] = mapped_column(String(16))  # fleet | member
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32), default="")  # the role offered ("" for a fleet binding)
    # The phone as the inviter typed it (normalised): the invitation finds its person by it, at once
    # or once that phone registers. No user id is stored before the answer: nothing to leak.
    phone: Mapped[str] = mapped_column(String(11), index=True)
    # pending -> accepted | declined | cancelled | expired
    status: Mapped[str] = mapped_column(String(16), default="pending")
    invited_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    responded_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
