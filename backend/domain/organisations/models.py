"""Organisations: mines, plants, stations, traders, carriers, consumers, regulators, the platform."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, TimestampMixin


class OrgGroup(IdMixin, TimestampMixin, Base):
    """A related-party group (关联方): trades inside one group are watched for transfer pricing."""

    __tablename__ = "org_groups"

    name: Mapped[str] = mapped_column(String(128), unique=True)


class Organisation(IdMixin, TimestampMixin, Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(24))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    status_reason: Mapped[str | None] = mapped_column(String(500))
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_groups.id"))
    address: Mapped[str] = mapped_column(String(256), default="")
    contact_name: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(11), default="")
