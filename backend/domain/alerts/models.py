"""Alerts (告警): something a person must look at, raised by a rule with a grade.

The grade (red, orange, yellow, blue; red the most serious) comes from the catalogue by kind. The
graded routing to district and city regulators and escalation come with the alerts issue; for now
every alert is stored, shown to the site's enterprise and the regulators of its region, and sent
to the site's dispatchers through the notices outbox.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, utcnow


class Alert(IdMixin, Base):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_site_raised", "site_id", "raised_at"),
                      Index("ix_alerts_region_raised", "region_code", "raised_at"),
                      # One open alert per kind and subject: two racing raises cannot both insert.
                      Index("uq_alerts_open_dedupe", "dedupe_key", unique=True,
                            postgresql_where=text("status = 'open' AND dedupe_key IS NOT NULL"),
                            sqlite_where=text("status = 'open' AND dedupe_key IS NOT NULL")))

    kind: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(8))  # schemas.Grade
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    plate: Mapped[str | None] = mapped_column(String(16))
    order_no: Mapped[str | None] = mapped_column(String(24))
    # What raised it: "weighing:<uuid>" and the like.
    ref: Mapped[str] = mapped_column(String(64))
    message_zh: Mapped[str] = mapped_column(String(300))
    message_en: Mapped[str] = mapped_column(String(300))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | handled
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Duplicate suppression: "<kind>|<org>|<subject>" (catalogue.Subject); cleared when a later raise
    # finds this one quiet beyond the kind's window, so the next one stands alone.
    dedupe_key: Mapped[str | None] = mapped_column(String(160))
    count: Mapped[int] = mapped_column(default=1)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertRoute(Base):
    """A region's graded routing (issue 13, point 2): one row per region code, "000000" the platform's
    default. Kept as one JSON document per region (schemas.Routing) so a region's settings change
    together and are audited as one."""

    __tablename__ = "alert_routes"

    region_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
