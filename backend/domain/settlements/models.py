"""E-settlements (电子结算单): the figures a party issued for a set of loads, the platform's
recomputation beside them, and one line per weigh ticket.

A settlement is never overwritten: a correction is a new row with the same number and the next
version (`supersedes_id` points back), and the old one becomes `superseded` with its lines no
longer live. The partial unique index on settlement_lines(ticket_id) WHERE live makes "a ticket is
settled at most once" true under races on both databases; a withdrawn or superseded settlement
frees its tickets by clearing `live` in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, utcnow


class Settlement(IdMixin, Base):
    __tablename__ = "settlements"
    __table_args__ = (
        UniqueConstraint("settlement_no", "version"),
        # One standing version per number: a second current row would be two truths for one document.
        Index(
            "uq_settlements_no_current",
            "settlement_no",
            unique=True,
            sqlite_where=text("status IN ('pending', 'confirmed')"),
            postgresql_where=text("status IN ('pending', 'confirmed')"),
        ),
        Index("ix_settlements_contract_period", "contract_id", "period_from"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("amount_fen >= 0 AND tax_fen >= 0 AND total_fen >= 0", name="money_not_negative"),
        CheckConstraint("settled_kg >= 0 AND supplier_kg >= 0", name="kg_not_negative"),
    )

    settlement_no: Mapped[str] = mapped_column(String(40), index=True)
    version: Mapped[int] = mapped_column(default=1)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("settlements.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), index=True)
    contract_no: Mapped[str] = mapped_column(String(64))
    seller_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The contract's (the seller's) region: its regulators see the settlement.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    issued_by_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    issued_by_user_id: Mapped[uuid.UUID | None]
    source: Mapped[str] = mapped_column(String(16))  # buyer | seller_upload | open_api
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    settled_on: Mapped[date] = mapped_column(Date)
    load_count: Mapped[int]
    # The figures as issued (the document), each with its unit.
    supplier_kg: Mapped[int] = mapped_column(BigInteger)  # 票重: the mine's tickets
    settled_kg: Mapped[int] = mapped_column(BigInteger)
    short_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    deduction_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    unit_price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    tax_rate_bp: Mapped[int]
    tax_fen: Mapped[int] = mapped_column(BigInteger)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    quality: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)  # the quality used, as issued
    adjustments: Mapped[list[Any]] = mapped_column(
        JsonDoc, default=list
    )  # [{index, value, fenPerT}] as issued
    # The platform's recomputation from tickets, receipts, assays and the contract's terms.
    computed_settled_kg: Mapped[int | None] = mapped_column(BigInteger)
    computed_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    computed_tax_fen: Mapped[int | None] = mapped_column(BigInteger)
    computed_total_fen: Mapped[int | None] = mapped_column(BigInteger)
    computed_unit_price_fen_per_t: Mapped[int | None] = mapped_column(BigInteger)
    computed_adjustments: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    computed_basis: Mapped[str] = mapped_column(String(16), default="terms")  # terms | flat_price
    computed_terms_version: Mapped[int | None]
    mismatch: Mapped[bool] = mapped_column(default=False)
    findings: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)  # [{code, zh, en, field}]
    # What was settled on the contract before this one (partial settlements).
    previous_settled_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    previous_amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    buyer_confirmed_at: Mapped[datetime | None]
    seller_confirmed_at: Mapped[datetime | None]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]  # superseded or withdrawn
    bank: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)  # {accountName, bank, accountNo}
    remarks: Mapped[str] = mapped_column(String(500), default="")
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_media_type: Mapped[str | None] = mapped_column(String(32))
    scan_size_bytes: Mapped[int | None]
    # The sha256 of the machine's body (PUT /open/v1/settlements/{no}): the same body twice is one row.
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_seq: Mapped[int | None] = mapped_column(BigInteger)


class SettlementLine(IdMixin, Base):
    __tablename__ = "settlement_lines"
    __table_args__ = (
        Index(
            "uq_settlement_lines_ticket_live",
            "ticket_id",
            unique=True,
            sqlite_where=text("live"),
            postgresql_where=text("live"),
        ),
        CheckConstraint("settled_kg >= 0 AND amount_fen >= 0", name="line_not_negative"),
    )

    settlement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("settlements.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("weigh_tickets.id"), index=True)
    ticket_no: Mapped[str] = mapped_column(String(24), index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pickup_orders.id"), index=True)
    order_no: Mapped[str] = mapped_column(String(24))
    waybill_no: Mapped[str | None] = mapped_column(String(24))
    gross_at: Mapped[datetime]
    net_kg: Mapped[int] = mapped_column(BigInteger)  # the ticket's net (票重)
    received_kg: Mapped[int | None] = mapped_column(BigInteger)  # the consignee's gate, when received
    deduction_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    settled_kg: Mapped[int] = mapped_column(BigInteger)
    unit_price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    computed_settled_kg: Mapped[int | None] = mapped_column(BigInteger)
    computed_unit_price_fen_per_t: Mapped[int | None] = mapped_column(BigInteger)
    computed_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    computed_adjustments: Mapped[list[Any]] = mapped_column(JsonDoc, default=list)
    quality: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)  # the assay the platform used
    live: Mapped[bool] = mapped_column(default=True)


class SettlementAlert(Base):
    """What the platform raised about a settlement version: the (settlement, code) key makes each
    finding's alert exactly once however often the settlement is recomputed."""

    __tablename__ = "settlement_alerts"

    settlement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    alert_id: Mapped[uuid.UUID | None]
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
