"""Alerts (告警): something a person must look at, raised by a rule with a grade, handled to a close.

The grade (red, orange, yellow, blue; red the most serious) comes from the catalogue by kind; the
region's routing (AlertRoute) says who sees each grade at once and the deadlines. An alert lives
open -> acknowledged -> disposed -> closed (schemas.AlertStatus); each step, every escalation and
every appeal is a row of its timeline (AlertStep).
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
                      # An enterprise system's feed: its organisation's alerts by when they last changed.
                      Index("ix_alerts_org_updated", "org_id", "updated_at", "id"),
                      # The escalation sweep reads only live alerts whose deadline passed.
                      Index("ix_alerts_live_due", "due_at", postgresql_where=text("status <> 'closed'"),
                            sqlite_where=text("status <> 'closed'")),
                      # One live alert per kind and subject: two racing raises cannot both insert.
                      Index("uq_alerts_open_dedupe", "dedupe_key", unique=True,
                            postgresql_where=text("status <> 'closed' AND dedupe_key IS NOT NULL"),
                            sqlite_where=text("status <> 'closed' AND dedupe_key IS NOT NULL")))

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
    status: Mapped[str] = mapped_column(String(12), default="open")  # schemas.AlertStatus
    # How a closed alert ended (schemas.Outcome): resolved by review, withdrawn, recovered, appeal upheld.
    outcome: Mapped[str | None] = mapped_column(String(16))
    # The driver of the truck it is about (GPS kinds on a waybill): he may read it and appeal.
    driver_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The highest level that sees it (schemas.Level): the routing's audience at raise, raised by a
    # disposal (the level above reviews it) and by escalation.
    reach: Mapped[str] = mapped_column(String(10), default="enterprise")
    # Levels it was escalated by for a missed deadline (0 none, 1 the district, 2 the city): each
    # step is one conditional UPDATE, so two sweeping workers notify a level exactly once.
    escalation: Mapped[int] = mapped_column(default=0)
    # The acknowledge deadline while open, the close deadline after; pushed on by each escalation.
    due_at: Mapped[datetime | None] = mapped_column()
    ack_due_at: Mapped[datetime | None] = mapped_column()
    close_due_at: Mapped[datetime | None] = mapped_column()
    acked_at: Mapped[datetime | None] = mapped_column()
    acked_by: Mapped[str | None] = mapped_column(String(100))
    disposed_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    # Duplicate suppression: "<kind>|<org>|<subject>" (catalogue.Subject); cleared when a later raise
    # finds this one quiet beyond the kind's window, so the next one stands alone.
    dedupe_key: Mapped[str | None] = mapped_column(String(160))
    count: Mapped[int] = mapped_column(default=1)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the platform last changed it (raised, counted again, acknowledged, escalated, closed...):
    # the platform's clock, not the event's (a late weighing raises an alert dated in the past), so
    # a machine polling /open/v1/alerts?cursor= sees every change after its cursor. Core UPDATEs
    # set it too (onupdate applies to them).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AlertRoute(Base):
    """A region's graded routing (issue 13, point 2): one row per region code, "000000" the platform's
    default. Kept as one JSON document per region (schemas.Routing) so a region's settings change
    together and are audited as one."""

    __tablename__ = "alert_routes"

    region_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JsonDoc)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AlertStep(IdMixin, Base):
    """One entry of an alert's timeline: raised, acknowledged, disposed, reviewed, escalated, appealed,
    recovered... Written in the same transaction as the change it records (the audit trail holds the
    same steps for people's actions)."""

    __tablename__ = "alert_steps"
    __table_args__ = (Index("ix_alert_steps_alert_at", "alert_id", "at"),)

    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(24))  # schemas.StepAction
    # Who did it ("张三 (138****0001)", "系统"); None for the platform's own rules.
    actor_label: Mapped[str | None] = mapped_column(String(100))
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(1000))
    data: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)


class AlertFile(IdMixin, Base):
    """A photo or file attached to a disposal or an appeal (bytes in the content-addressed store)."""

    __tablename__ = "alert_files"
    __table_args__ = (Index("ix_alert_files_alert", "alert_id"),)

    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    # Which step it belongs to: "disposal" (the handler's) or "appeal" (the driver's).
    purpose: Mapped[str] = mapped_column(String(12))
    appeal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("alert_appeals.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column()
    # Set when the disposal (or appeal) that carries it is submitted; unattached files can be replaced.
    step_id: Mapped[uuid.UUID | None] = mapped_column()
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column()
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertAppeal(IdMixin, Base):
    """A driver's appeal against a GPS alert about his own truck; a regulator decides it."""

    __tablename__ = "alert_appeals"
    __table_args__ = (Index("ix_alert_appeals_alert", "alert_id"),
                      # One pending appeal per alert: a second submit while one waits is a conflict.
                      Index("uq_alert_appeals_pending", "alert_id", unique=True,
                            postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")))

    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    driver_user_id: Mapped[uuid.UUID] = mapped_column()
    note: Mapped[str] = mapped_column(String(1000))
    # The driver's own track (his phone's fixes), as [[unix_s, lon, lat], ...].
    track: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | upheld | dismissed
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(String(500))
