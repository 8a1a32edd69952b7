"""Electronic transport invoices (电子运输发票, 数电票 with the special element 04 货物运输服务).

An invoice is stored once, as it was sent, with the platform's check results beside it: a line
names a truck (plate), a route and a day, and is linked to the closed waybills it bills. A waybill
is billed by one line only (the unique index on `transport_invoice_waybills.waybill_id`): a second
line that names it is the 重复开票 suspicion, not a second link. `invoice_alerts` is the record of
what was raised (unique (kind, ref)), so re-checking or re-sending never raises a finding twice.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, utcnow


class TransportInvoice(IdMixin, Base):
    __tablename__ = "transport_invoices"
    __table_args__ = (Index("ix_transport_invoices_region_issue", "region_code", "issue_date"),)

    invoice_no: Mapped[str] = mapped_column(String(20), unique=True)
    issue_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(2))  # 81 special VAT invoice | 82 ordinary invoice
    seller_name: Mapped[str] = mapped_column(String(128))
    seller_credit_code: Mapped[str] = mapped_column(String(18), index=True)
    # The carrier that issued it, when registered on the platform.
    seller_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    buyer_name: Mapped[str] = mapped_column(String(128))
    buyer_credit_code: Mapped[str] = mapped_column(String(18), index=True)
    # The payer of the freight, when registered on the platform.
    buyer_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    # Which party of the coal trade pays the freight: 'buyer' | 'seller' (None: not found).
    payer_side: Mapped[str | None] = mapped_column(String(8))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    tax_rate_bp: Mapped[int]
    tax_fen: Mapped[int] = mapped_column(BigInteger)
    total_fen: Mapped[int] = mapped_column(BigInteger)
    # The uploading organisation's region: regulators of that region (and above) see the invoice.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    uploaded_by_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    uploaded_by_user_id: Mapped[uuid.UUID | None]
    source: Mapped[str] = mapped_column(String(12))  # hand | open_api
    # The sha256 of the canonical content: the same invoice sent again is answered, not stored again.
    content_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12))  # checked | suspect
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TransportInvoiceLine(IdMixin, Base):
    __tablename__ = "transport_invoice_lines"
    __table_args__ = (
        UniqueConstraint("invoice_id", "line_no"),
        Index("ix_transport_invoice_lines_plate", "plate"),
    )

    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transport_invoices.id", ondelete="CASCADE"))
    line_no: Mapped[int]
    origin: Mapped[str] = mapped_column(String(128))
    destination: Mapped[str] = mapped_column(String(128))
    mode: Mapped[int]  # 1 rail, 2 road, 3 water, 4 air, 5 pipeline
    plate: Mapped[str] = mapped_column(String(16))
    goods: Mapped[str] = mapped_column(String(64))
    quantity_kg: Mapped[int] = mapped_column(BigInteger)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    service_date: Mapped[date] = mapped_column(Date)
    # The first waybill the line bills (all of them: transport_invoice_waybills).
    waybill_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("waybills.id"), index=True)
    waybill_no: Mapped[str | None] = mapped_column(String(24))
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    order_no: Mapped[str | None] = mapped_column(String(24))
    # matched | no_waybill | waybill_invoiced_twice | above_delivered | rate_off_band (the worst finding)
    status: Mapped[str] = mapped_column(String(24))
    delivered_kg: Mapped[int | None] = mapped_column(BigInteger)
    # Freight in milli-yuan per tonne-kilometre (None: no distance on the waybills).
    rate_milli_yuan_per_tkm: Mapped[int | None]
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)


class TransportInvoiceWaybill(IdMixin, Base):
    """One waybill billed by one invoice line; a waybill is billed once."""

    __tablename__ = "transport_invoice_waybills"

    line_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transport_invoice_lines.id", ondelete="CASCADE"), index=True
    )
    invoice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("transport_invoices.id", ondelete="CASCADE"), index=True
    )
    waybill_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("waybills.id"), unique=True)
    waybill_no: Mapped[str] = mapped_column(String(24))
    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    order_no: Mapped[str] = mapped_column(String(24))
    delivered_kg: Mapped[int] = mapped_column(BigInteger)
    # Who drove the load: he reads the freight billed for it in the driver app.
    driver_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)


class InvoiceAlert(IdMixin, Base):
    """What the invoice checks raised: a finding (kind, ref) is raised once, whoever sends it again."""

    __tablename__ = "invoice_alerts"
    __table_args__ = (UniqueConstraint("kind", "ref"),)

    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(64))
    alert_id: Mapped[uuid.UUID | None]
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)


class FreightBand(IdMixin, Base):
    """The reasonable road-freight band of a region, in milli-yuan per tonne-kilometre (0.25 yuan → 250).
    A region without a row uses its parent's, then the settings' default."""

    __tablename__ = "freight_bands"

    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), unique=True)
    low_milli_yuan_per_tkm: Mapped[int]
    high_milli_yuan_per_tkm: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
