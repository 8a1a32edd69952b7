"""Payments (资金流): one bank flow from a payer to a payee, against a settlement and/or an invoice.

Stored as sent with the four-flow check beside it (payer = the buyer, payee = the seller of the
document it pays). `payment_alerts` records what was raised (unique (kind, ref)): once per finding.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, JsonDoc, utcnow


class Payment(IdMixin, Base):
    __tablename__ = "payments"
    # A bank's flow number is unique at the paying bank; across payers two banks may reuse one.
    __table_args__ = (UniqueConstraint("payer_credit_code", "flow_no"),)

    flow_no: Mapped[str] = mapped_column(String(64), index=True)
    payer_name: Mapped[str] = mapped_column(String(128))
    payer_credit_code: Mapped[str] = mapped_column(String(18))
    payer_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    payee_name: Mapped[str] = mapped_column(String(128))
    payee_credit_code: Mapped[str] = mapped_column(String(18))
    payee_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    payee_account: Mapped[str] = mapped_column(String(40))
    bank_code: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[datetime]
    means: Mapped[str] = mapped_column(String(2))  # 1, 2, 3, 31, 32, 4, 41, 42, 9 (never cash)
    # The settlement it pays, by number as sent; its id once resolved against the settlements.
    settlement_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    settlement_no: Mapped[str | None] = mapped_column(String(32))
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transport_invoices.id"), index=True)
    invoice_no: Mapped[str | None] = mapped_column(String(20))
    # The uploading organisation's region: regulators of that region (and above) see the payment.
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    status: Mapped[str] = mapped_column(String(12))  # matched | suspect
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JsonDoc, default=list)
    source: Mapped[str] = mapped_column(String(12))  # hand | open_api
    content_sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    uploaded_by_user_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentAlert(IdMixin, Base):
    """What the payment checks raised: a finding (kind, ref) is raised once."""

    __tablename__ = "payment_alerts"
    __table_args__ = (UniqueConstraint("kind", "ref"),)

    kind: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(64))
    alert_id: Mapped[uuid.UUID | None]
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
