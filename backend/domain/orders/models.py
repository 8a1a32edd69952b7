"""Pickup orders (电子提煤单): one load drawn on a contract, its transitions and its gate passages.

An order holds `planned_kg` of its contract's ledger from issue until it is cancelled or lapses
(released) or weighed (executed, by the weighbridge feature). Its `order_no` is the trace code that
every later document of the load carries.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, StatusChangeMixin, TimestampMixin, utcnow
from backend.domain.orders.schemas import OrderStatus

# Statuses in which an order occupies its vehicle: a truck carries one load at a time (the index below).
OCCUPYING = (OrderStatus.DISPATCHED, OrderStatus.ENTERED)


class PickupOrder(IdMixin, TimestampMixin, Base):
    __tablename__ = "pickup_orders"
    __table_args__ = (
        CheckConstraint("planned_kg > 0", name="planned_positive"),
        CheckConstraint("valid_until > valid_from", name="validity_ordered"),
        # The database itself refuses a second open order for the same truck, also under races.
        Index("uq_pickup_orders_vehicle_open", "vehicle_id", unique=True,
              sqlite_where=text("status IN ('dispatched', 'entered')"),
              postgresql_where=text("status IN ('dispatched', 'entered')")),
        Index("ix_pickup_orders_status_until", "status", "valid_until"),
    )

    order_no: Mapped[str] = mapped_column(String(24), unique=True)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), index=True)
    seller_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    # The site's region: regulators of that region (and above) see the order.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    product: Mapped[str] = mapped_column(String(24))
    planned_kg: Mapped[int] = mapped_column(BigInteger)
    carrier_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    batch_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    valid_from: Mapped[datetime]
    valid_until: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=OrderStatus.ISSUED.value, index=True)
    # Set by dispatch (派单); plate and NEV flag are copied so that the pass and the queue
    # keep what was true when the truck was assigned.
    vehicle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vehicles.id"))
    driver_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("drivers.id"), index=True)
    driver_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    plate: Mapped[str | None] = mapped_column(String(12))
    new_energy: Mapped[bool | None]
    # The per-order TOTP secret of the one-code pass, encrypted at rest (a leaked row is no pass).
    totp_secret_enc: Mapped[str] = mapped_column(String(200))
    issued_by_user_id: Mapped[uuid.UUID | None]
    note: Mapped[str] = mapped_column(String(200), default="")
    dispatched_at: Mapped[datetime | None]
    entered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Why the truck may not leave yet (set by the weighbridge): gross_missing after its tare,
    # overweight or net_exceeds after a refused gross; cleared by the ticket.
    exit_block: Mapped[str | None] = mapped_column(String(24))


class OrderTransition(IdMixin, StatusChangeMixin, Base):
    __tablename__ = "order_transitions"
    __table_args__ = (Index("ix_order_transitions_order_at", "order_id", "at"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_orders.id", ondelete="CASCADE"))


class GatePassage(IdMixin, Base):
    """A pass accepted at a gate: one row per order and transition (in, out), which the unique
    constraint guarantees even if two gates accept the same code at the same instant."""

    __tablename__ = "gate_passages"
    __table_args__ = (Index("uq_gate_passages_order_transition", "order_id", "transition", unique=True),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_orders.id", ondelete="CASCADE"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    device_id: Mapped[uuid.UUID | None]
    transition: Mapped[str] = mapped_column(String(8))  # in | out
    totp_step: Mapped[int | None] = mapped_column(BigInteger)
    plate_read: Mapped[str | None] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(8), default="online")  # online | offline (uploaded later)
    at: Mapped[datetime] = mapped_column(default=utcnow)
