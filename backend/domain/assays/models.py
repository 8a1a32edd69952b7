"""Assays (化验): the quality of one load (by its weigh ticket) or of a batch (a day's loads of one
contract), as a laboratory reported it.

Percentages are integer basis points (16.50 % -> 1650); Qnet,ar is kept in kcal/kg (converted from MJ/kg
with 4.1816 when sent so) beside the value and unit as sent, so the conversion can be checked. The
report number is unique per uploading organisation: the upsert by report number is idempotent.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, utcnow


class Assay(IdMixin, Base):
    __tablename__ = "assays"
    __table_args__ = (
        UniqueConstraint("uploaded_by_org_id", "report_no"),
        CheckConstraint(
            "(scope = 'load' AND ticket_no IS NOT NULL) OR (scope = 'batch' AND batch_date IS NOT NULL)",
            name="scope_names_its_loads",
        ),
        Index("ix_assays_contract_ticket", "contract_id", "ticket_no"),
        Index("ix_assays_contract_batch", "contract_id", "batch_date"),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id"))
    contract_no: Mapped[str] = mapped_column(String(40))
    seller_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    scope: Mapped[str] = mapped_column(String(8))  # load | batch
    ticket_no: Mapped[str | None] = mapped_column(String(24))
    batch_date: Mapped[date | None] = mapped_column(Date)
    lab: Mapped[str] = mapped_column(String(12))  # mine | buyer | third_party
    lab_name: Mapped[str] = mapped_column(String(100), default="")
    sample_no: Mapped[str] = mapped_column(String(40), default="")
    report_no: Mapped[str] = mapped_column(String(40))
    standard: Mapped[str] = mapped_column(String(60), default="")
    qnet_ar_kcal_per_kg: Mapped[int | None]
    qnet_input_value: Mapped[str | None] = mapped_column(String(16))  # as sent, a Decimal string
    qnet_input_unit: Mapped[str | None] = mapped_column(String(12))  # kcal_per_kg | mj_per_kg
    mt_bp: Mapped[int | None]
    mad_bp: Mapped[int | None]
    ad_bp: Mapped[int | None]
    vdaf_bp: Mapped[int | None]
    st_d_bp: Mapped[int | None]
    size_mm: Mapped[str] = mapped_column(String(20), default="")
    scan_sha256: Mapped[str | None] = mapped_column(String(64))
    scan_media_type: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(10))  # hand | open_api
    uploaded_by_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    tested_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
