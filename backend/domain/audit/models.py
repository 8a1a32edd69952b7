"""Append-only audit trail: who changed what, when, from which client, before and after."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, utcnow


class AuditEntry(IdMixin, Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonDoc)
    client: Mapped[str] = mapped_column(String(300), default="")


class PersonalRead(IdMixin, Base):
    """One reading of one person's personal information by someone else (PIPL): who read whose data,
    which categories, through which route and channel, when, from which client. Never the data itself."""

    __tablename__ = "personal_reads"
    __table_args__ = (
        Index("ix_personal_reads_subject_at", "subject_user_id", "at"),
        Index("ix_personal_reads_actor_at", "actor_user_id", "at"),
    )

    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The reader: a person (user id) or a machine (None, its key in the label).
    actor_user_id: Mapped[uuid.UUID | None]
    actor_name: Mapped[str] = mapped_column(String(60), default="")
    actor_label: Mapped[str] = mapped_column(String(100), default="")
    # The organisation and role the reader read in (the carrier of the fleet, the regulator's office).
    actor_org_id: Mapped[uuid.UUID | None]
    actor_role: Mapped[str] = mapped_column(String(32), default="")
    subject_user_id: Mapped[uuid.UUID]
    # The subject's region at the time, so a regulator's auditor sees the reads of his region's people.
    subject_region_code: Mapped[str] = mapped_column(String(6), default="", index=True)
    # Comma-separated categories (audit.schemas.PERSONAL_FIELDS), never values.
    fields: Mapped[str] = mapped_column(String(200))
    route: Mapped[str] = mapped_column(String(200), default="")
    # app (a page or API call), export (a file leaving the platform), interface (a department's shared interface).
    channel: Mapped[str] = mapped_column(String(16), default="app")
    client: Mapped[str] = mapped_column(String(300), default="")
