"""Quality-price terms of a contract (质价条款), as data rows versioned with the contract.

A change of terms is a new version (a new `price_terms` row with its own rules), never an UPDATE: a
settlement computed last month must be recomputable from the version it was computed with. Decimal
limits and steps are kept as strings so that no float ever touches them (the engine reads them as
Decimal); money per tonne in integer fen, rates in basis points.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, utcnow


class PriceTerms(IdMixin, Base):
    __tablename__ = "price_terms"
    __table_args__ = (
        UniqueConstraint("contract_id", "version"),
        CheckConstraint("version > 0", name="version_positive"),
        CheckConstraint("vat_rate_bp BETWEEN 0 AND 2000", name="vat_rate_range"),
        CheckConstraint("allowed_loss_bp BETWEEN 0 AND 1000", name="allowed_loss_range"),
        CheckConstraint("base_qnet_kcal_per_kg > 0", name="base_qnet_positive"),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"), index=True)
    version: Mapped[int]
    effective_from: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(12))  # per_tonne | per_kcal
    # per_tonne: the price at the base quality; per_kcal: milli-fen per kcal, × Qnet,ar ÷ 1000 per tonne.
    base_price_fen_per_t: Mapped[int | None] = mapped_column(BigInteger)
    base_price_milli_fen_per_kcal: Mapped[int | None] = mapped_column(BigInteger)
    base_qnet_kcal_per_kg: Mapped[int]
    moisture_limit_bp: Mapped[int | None]  # Mt above it is deducted from the weight (计价水)
    quantity_basis: Mapped[str] = mapped_column(String(12))  # mine_ticket | buyer_gate
    allowed_loss_bp: Mapped[int] = mapped_column(default=0)  # 运损率, 0.5 % -> 50
    lab: Mapped[str] = mapped_column(String(12))  # mine | buyer | third_party: whose assay counts
    settlement_mode: Mapped[str] = mapped_column(String(20))  # batch | monthly_weighted
    vat_rate_bp: Mapped[int] = mapped_column(default=1300)
    payment_due_days: Mapped[int] = mapped_column(default=30)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PriceRule(IdMixin, Base):
    """One index's rule: where it applies (condition and limits), the step, the signed amount per step,
    how a partial step counts, and the rejection limits."""

    __tablename__ = "price_rules"
    __table_args__ = (
        UniqueConstraint("terms_id", "position"),
        Index("ix_price_rules_terms", "terms_id"),
    )

    terms_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("price_terms.id", ondelete="CASCADE"))
    position: Mapped[int]
    index: Mapped[str] = mapped_column(String(8))  # qnet_ar | mt | mad | ad | vdaf | st_d
    condition: Mapped[str] = mapped_column(String(4))  # ge | le | band
    lower: Mapped[str | None] = mapped_column(String(24))
    upper: Mapped[str | None] = mapped_column(String(24))
    step: Mapped[str] = mapped_column(String(24))
    amount_fen_per_step: Mapped[int] = mapped_column(BigInteger)  # + adds, − deducts
    partial: Mapped[str] = mapped_column(String(10))  # up | down | half_even | decimals
    decimals: Mapped[int | None]
    reject_below: Mapped[str | None] = mapped_column(String(24))
    reject_above: Mapped[str | None] = mapped_column(String(24))
