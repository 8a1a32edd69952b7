"""Payments in (a bank flow as the payer's or payee's system or staff send it) and out."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from backend.structs import Out, Page, Struct

_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]

# Means of payment (the freight-payment reference): cash is not accepted.
MEANS_LABELS: dict[str, tuple[str, str]] = {
    "1": ("信用证", "letter of credit"),
    "2": ("托收", "collection"),
    "3": ("汇兑", "remittance"),
    "31": ("银行汇票", "bank draft"),
    "32": ("银行转账", "bank transfer"),
    "4": ("第三方支付平台", "third-party platform"),
    "41": ("支付宝", "Alipay"),
    "42": ("微信支付", "WeChat Pay"),
    "9": ("其他电子支付", "other electronic"),
}


class PaymentStatus(StrEnum):
    MATCHED = "matched"  # payer is the buyer and payee the seller of what it pays
    SUSPECT = "suspect"


STATUS_LABELS: dict[str, tuple[str, str]] = {
    PaymentStatus.MATCHED: ("四流一致", "flows agree"),
    PaymentStatus.SUSPECT: ("存疑", "suspect"),
}


class PaymentIn(Struct):
    """The payment's content; its flow number comes from the path (PUT) or the body (PaymentCreate)."""

    payer_name: _Name
    payer_credit_code: Annotated[str, msgspec.Meta(max_length=32)]
    payee_name: _Name
    payee_credit_code: Annotated[str, msgspec.Meta(max_length=32)]
    payee_account: Annotated[str, msgspec.Meta(max_length=40)]
    bank_code: Annotated[str, msgspec.Meta(max_length=16)]
    amount_fen: int  # integer fen (yuan × 100): no decimals on the wire
    paid_at: datetime
    means: Annotated[str, msgspec.Meta(max_length=16)]
    settlement_no: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] | None = None
    invoice_no: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] | None = None


class PaymentCreate(PaymentIn, kw_only=True):
    flow_no: Annotated[str, msgspec.Meta(max_length=64)]


class PaymentFinding(Out):
    code: str
    message_zh: str
    message_en: str


class PaymentOut(Out):
    id: uuid.UUID
    flow_no: str
    payer_name: str
    payer_credit_code: str
    payer_org_id: uuid.UUID | None
    payee_name: str
    payee_credit_code: str
    payee_org_id: uuid.UUID | None
    payee_account: str
    bank_code: str
    amount_fen: int
    paid_at: datetime
    means: str
    means_zh: str
    means_en: str
    settlement_id: uuid.UUID | None
    settlement_no: str | None
    invoice_id: uuid.UUID | None
    invoice_no: str | None
    region_code: str
    status: str
    status_zh: str
    status_en: str
    findings: list[PaymentFinding]
    source: str
    created_at: datetime


class PaymentPage(Page):
    items: list[PaymentOut]


class Expected(msgspec.Struct, frozen=True, kw_only=True):
    """Who should pay whom under the document a payment pays (an invoice or a settlement)."""

    document: str  # "invoice" | "settlement"
    document_id: uuid.UUID
    number: str
    payer_org_id: uuid.UUID | None
    payee_org_id: uuid.UUID | None
    payer_credit_code: str | None = None
    payee_credit_code: str | None = None
    order_ids: tuple[uuid.UUID, ...] = ()
