"""Weighings (过磅), e-weigh tickets (电子磅单), supervisors' re-weigh overrides and each site's
weighing rules.

A weighing is what a lane submitted, accepted or refused, kept whole (trace, stable statistics,
gratings, pictures) because it is evidence either way. At most one accepted weighing of each kind
(tare, gross) stands per order — the partial unique index makes that true under races; a re-weigh
marks the earlier one superseded first. A ticket is made from the standing tare and gross; a
re-weigh of the gross voids the old ticket and issues a new one.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, utcnow
from backend.domain.weighing.schemas import TicketStatus


class Weighing(Base):
    __tablename__ = "weighings"
    __table_args__ = (
        Index("uq_weighings_order_kind_accepted", "order_id", "kind", unique=True,
              sqlite_where=text("status = 'accepted'"), postgresql_where=text("status = 'accepted'")),
        Index("ix_weighings_plate_at", "plate", "weighed_at"),
        Index("ix_weighings_site_received", "site_id", "received_at"),
    )

    # The lane's own id for the weighing: the idempotency key of its upload.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pickup_orders.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    lane_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("lanes.id", ondelete="SET NULL"))
    device_id: Mapped[uuid.UUID | None]
    # Names as they were at weighing time, for the ticket (a lane renamed later changes no ticket).
    lane_name: Mapped[str] = mapped_column(String(64), default="")
    device_code: Mapped[str] = mapped_column(String(64), default="")
    key_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))  # tare | gross
    # The order's plate (what should have been on the scale) and what the camera read.
    plate: Mapped[str | None] = mapped_column(String(16))
    plate_read: Mapped[str] = mapped_column(String(16), default="")
    weight_kg: Mapped[int] = mapped_column(BigInteger)
    stable: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    trace: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    gratings: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    pictures: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)  # [{name, sha256}]
    on_scale_at: Mapped[datetime]
    weighed_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    offline: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12))  # accepted | refused | superseded
    code: Mapped[str] = mapped_column(String(32))
    message_zh: Mapped[str] = mapped_column(String(300), default="")
    message_en: Mapped[str] = mapped_column(String(300), default="")
    # The answer the lane got, replayed verbatim for a repeated upload (exactly once).
    answer: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    signature: Mapped[str] = mapped_column(String(64))


class WeighTicket(IdMixin, Base):
    __tablename__ = "weigh_tickets"
    __table_args__ = (
        CheckConstraint("net_kg = gross_kg - tare_kg", name="net_is_gross_minus_tare"),
        CheckConstraint("net_kg > 0", name="net_positive"),
        Index("uq_weigh_tickets_order_valid", "order_id", unique=True,
              sqlite_where=text("status = 'valid'"), postgresql_where=text("status = 'valid'")),
        Index("ix_weigh_tickets_site_issued", "site_id", "issued_at"),
        # A day's sales are the tickets whose gross was weighed that day (weighing.sales).
        Index("ix_weigh_tickets_gross_at", "gross_at"),
    )

    ticket_no: Mapped[str] = mapped_column(String(24), unique=True)
    # A random code printed in the QR beside the number: a verify page is not an enumeration oracle.
    verify_code: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_orders.id"))
    order_no: Mapped[str] = mapped_column(String(24), index=True)  # the trace code
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), index=True)
    contract_no: Mapped[str] = mapped_column(String(64))
    seller_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    carrier_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    seller_name: Mapped[str] = mapped_column(String(128))
    buyer_name: Mapped[str] = mapped_column(String(128))
    carrier_name: Mapped[str | None] = mapped_column(String(128))
    driver_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"))
    site_name: Mapped[str] = mapped_column(String(128))
    plate: Mapped[str] = mapped_column(String(16), index=True)
    product: Mapped[str] = mapped_column(String(24))
    tare_weighing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weighings.id"))
    gross_weighing_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weighings.id"))
    tare_kg: Mapped[int] = mapped_column(BigInteger)
    gross_kg: Mapped[int] = mapped_column(BigInteger)
    net_kg: Mapped[int] = mapped_column(BigInteger)
    tare_at: Mapped[datetime]
    gross_at: Mapped[datetime]
    tare_lane: Mapped[str] = mapped_column(String(64), default="")
    gross_lane: Mapped[str] = mapped_column(String(64), default="")
    tare_device: Mapped[str] = mapped_column(String(64), default="")
    gross_device: Mapped[str] = mapped_column(String(64), default="")
    photos: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)  # [{kind, name, sha256}]
    anomalies: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)  # [{code, zh, en}]
    status: Mapped[str] = mapped_column(String(8), default=TicketStatus.VALID.value)
    void_reason: Mapped[str] = mapped_column(String(200), default="")
    evidence_seq: Mapped[int | None] = mapped_column(BigInteger)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class WeighOverride(IdMixin, Base):
    """A supervisor's permission for one more weighing of one kind on one order (复磅), audited."""

    __tablename__ = "weigh_overrides"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    by_user_id: Mapped[uuid.UUID]
    by_label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime]
    used_by_weighing_id: Mapped[uuid.UUID | None]


class WeighSiteRules(Base):
    """A site's weighing rules; a site without a row uses rules.DEFAULTS."""

    __tablename__ = "weigh_site_rules"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    plate_only: Mapped[bool] = mapped_column(default=False)
    division_kg: Mapped[int] = mapped_column(Integer, default=20)
    min_loading_s: Mapped[int] = mapped_column(Integer, default=300)
    tare_tolerance_pct: Mapped[int] = mapped_column(Integer, default=5)
    tare_tolerance_min_kg: Mapped[int] = mapped_column(Integer, default=300)
    max_speed_kmh: Mapped[int] = mapped_column(Integer, default=90)
