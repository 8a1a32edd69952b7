"""Reconciliation across the six documents (六票合一): one chain row per pickup order, and the record
of the findings already raised as alerts.

`chain_status` is derived data: a set-based recomputation (reconcile.compute) rewrites a set of rows
in one INSERT … SELECT … ON CONFLICT, so no column here is ever typed by a person. Each link of the
chain has one state column ('present' | 'missing' | 'mismatch' | 'pending'); `reasons` lists the
finding codes (alerts.catalogue codes where one exists). Tonnage in kg, money in fen.

`chain_findings` makes a finding's alert exactly once: its (order_id, reason) key is inserted with
ON CONFLICT DO NOTHING, and only a row that went in raises.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, JsonDoc, utcnow


class ChainStatus(Base):
    __tablename__ = "chain_status"
    # Derived data rewritten a million rows at a time, only ever from existing orders: no foreign keys
    # (each would be a lookup per row written), the boards' indexes, and room on each page so that a
    # recomputation's update stays on its page without touching the indexes (HOT).
    __table_args__ = (
        Index("ix_chain_status_contract_day", "contract_id", "day"),
        Index("ix_chain_status_region_day", "region_code", "day"),
        Index("ix_chain_status_seller_day", "seller_org_id", "day"),
        Index("ix_chain_status_buyer_day", "buyer_org_id", "day"),
        Index("ix_chain_status_carrier_day", "carrier_org_id", "day"),
        {"postgresql_with": {"fillfactor": 80}},
    )

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(24))
    contract_id: Mapped[uuid.UUID]
    contract_no: Mapped[str] = mapped_column(String(64))
    seller_org_id: Mapped[uuid.UUID]
    buyer_org_id: Mapped[uuid.UUID]
    carrier_org_id: Mapped[uuid.UUID | None]
    # The site's region, as the order's: regulators of that region (and above) see the row.
    region_code: Mapped[str] = mapped_column(String(6))
    # The ticket's day (Asia/Shanghai); the order's first valid day while it has no ticket.
    day: Mapped[date] = mapped_column(Date)
    ordered_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    loaded_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    delivered_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    settled_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    settled_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    invoiced_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    invoiced_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    contract_state: Mapped[str] = mapped_column(String(8))
    order_state: Mapped[str] = mapped_column(String(8))
    ticket_state: Mapped[str] = mapped_column(String(8))
    waybill_state: Mapped[str] = mapped_column(String(8))
    settlement_state: Mapped[str] = mapped_column(String(8))
    invoice_state: Mapped[str] = mapped_column(String(8))
    payment_state: Mapped[str] = mapped_column(String(8))
    # Any link in 'mismatch' (the mismatches list filters on it without seven ORs).
    mismatch: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChainFinding(Base):
    """A finding raised once: its key is the guard, its alert the one raised for it."""

    __tablename__ = "chain_findings"

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pickup_orders.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    alert_id: Mapped[uuid.UUID | None]
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
