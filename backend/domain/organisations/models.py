"""Organisations: mines, plants, stations, traders, carriers, consumers, regulators, the platform."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, TimestampMixin


class OrgGroup(IdMixin, TimestampMixin, Base):
    """A related-party group (关联方): trades inside one group are watched for transfer pricing."""

    __tablename__ = "org_groups"

    name: Mapped[str] = mapped_column(String(128), unique=True)


_ACTIVE = text("status = 'active'")


class Organisation(IdMixin, TimestampMixin, Base):
    __tablename__ = "organisations"
    # Two active organisations of one region never share a name (a look-alike carrier was accepted
    # once); pending and refused ones may, until a review approves one of them.
    __table_args__ = (
        Index("uq_organisations_active_name", "region_code", "name", unique=True,
              sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
    )

    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(24))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    # pending (awaiting review) -> active | refused (-> pending again on resubmission);
    # active <-> suspended | blacklisted.
    status: Mapped[str] = mapped_column(String(16), default="active")
    status_reason: Mapped[str | None] = mapped_column(String(500))
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_groups.id"))
    address: Mapped[str] = mapped_column(String(256), default="")
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(11), default="")
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(100))


class OrgScan(IdMixin, TimestampMixin, Base):
    """A licence scan (营业执照 and permits) an organisation lodges for its review, kept in the
    content-addressed file store (backend/files.py) under its sha256."""

    __tablename__ = "org_scans"

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(64), default="")
