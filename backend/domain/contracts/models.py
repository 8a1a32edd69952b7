"""E-contracts (电子合同): the terms, the status, the execution ledger and the status history.

The ledger columns `reserved_kg` (open pickup orders) and `executed_kg` (weigh tickets) live on the
contract row itself so that one conditional UPDATE can check and move them atomically; `cap_kg`
(quantity plus tolerance, fixed when the terms are set) keeps that UPDATE's condition a plain
column comparison. The CHECK constraints are the database's own guard behind the service's.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, StatusChangeMixin, TimestampMixin, utcnow


class Contract(IdMixin, TimestampMixin, Base):
    __tablename__ = "contracts"
    __table_args__ = (
        UniqueConstraint("seller_org_id", "contract_no"),
        CheckConstraint("reserved_kg >= 0", name="reserved_not_negative"),
        CheckConstraint("executed_kg >= 0", name="executed_not_negative"),
        CheckConstraint("reserved_kg + executed_kg <= cap_kg", name="within_cap"),
        CheckConstraint("quantity_kg > 0 AND cap_kg >= quantity_kg", name="quantity_positive"),
        CheckConstraint("seller_org_id <> buyer_org_id", name="two_parties"),
    )

    contract_no: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))  # supply_guarantee | long_term | market | purchase
    seller_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The seller's region when drafted: regulators of that region (and above) see the contract.
    seller_region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    product: Mapped[str] = mapped_column(String(24))
    calorific_kcal_per_kg: Mapped[int]
    # Percentages to two decimals, stored as integer basis points (0.85 % -> 85): no float drift.
    sulphur_bp: Mapped[int]
    ash_bp: Mapped[int]
    moisture_bp: Mapped[int]
    price_fen_per_t: Mapped[int] = mapped_column(BigInteger)
    quantity_kg: Mapped[int] = mapped_column(BigInteger)
    tolerance_bp: Mapped[int] = mapped_column(default=0)
    cap_kg: Mapped[int] = mapped_column(BigInteger)
    reserved_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    executed_kg: Mapped[int] = mapped_column(BigInteger, default=0)
    destination_name: Mapped[str] = mapped_column(String(128))
    destination_lon: Mapped[float]
    destination_lat: Mapped[float]
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size_bytes: Mapped[int | None]
    pdf_uploaded_at: Mapped[datetime | None]
    terminated_reason: Mapped[str | None] = mapped_column(String(500))


class ContractEvent(IdMixin, StatusChangeMixin, Base):
    __tablename__ = "contract_events"
    __table_args__ = (Index("ix_contract_events_contract_at", "contract_id", "at"),)

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))


class ContractLedgerEntry(IdMixin, Base):
    """One movement of tonnage: the sums of the deltas equal the contract's reserved/executed columns."""

    __tablename__ = "contract_ledger"
    __table_args__ = (Index("ix_contract_ledger_contract_at", "contract_id", "at"),)

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"))
    kind: Mapped[str] = mapped_column(String(8))  # reserve | release | execute | correct (a re-weigh)
    # The movement's own amount: reserved, released, or actually weighed (execute).
    kg: Mapped[int] = mapped_column(BigInteger)
    reserved_delta_kg: Mapped[int] = mapped_column(BigInteger)
    executed_delta_kg: Mapped[int] = mapped_column(BigInteger)
    ref: Mapped[str] = mapped_column(String(64))  # what moved it: a pickup order, a weigh ticket
    at: Mapped[datetime] = mapped_column(default=utcnow)
