"""E-settlements on the wire (camelCase JSON).

The wire's bounds are loose on purpose (they keep absurd numbers off the 64-bit columns); the
rules (checks.py) answer 422 with the field and a reason a finance clerk understands.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from backend.structs import Out, Page, Struct


class SettlementStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


class SettlementSource(StrEnum):
    BUYER = "buyer"
    SELLER_UPLOAD = "seller_upload"
    OPEN_API = "open_api"


STATUS_LABELS: dict[str, tuple[str, str]] = {
    "pending": ("待确认", "Pending"),
    "confirmed": ("已确认", "Confirmed"),
    "superseded": ("已被新版本替代", "Superseded"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "buyer": ("买方开具", "Issued by the buyer"),
    "seller_upload": ("卖方代传（附买方扫描件）", "Uploaded by the seller (buyer's scan)"),
    "open_api": ("接口上传", "Sent over the open interface"),
}
QualityIndex = Literal["qnet_ar", "mt", "mad", "ad", "vdaf", "st_d"]
INDEX_LABELS: dict[str, tuple[str, str]] = {
    "qnet_ar": ("收到基低位发热量 Qnet,ar", "Qnet,ar"),
    "mt": ("全水分 Mt", "Total moisture Mt"),
    "mad": ("空干基水分 Mad", "Mad"),
    "ad": ("干基灰分 Ad", "Ash Ad"),
    "vdaf": ("干燥无灰基挥发分 Vdaf", "Vdaf"),
    "st_d": ("干基全硫 St,d", "Sulphur St,d"),
}

_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Whole = Annotated[int, msgspec.Meta(ge=-(10**15), le=10**15)]
SettlementNo = Annotated[
    str, msgspec.Meta(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
TicketNo = Annotated[str, msgspec.Meta(min_length=1, max_length=24, pattern=_PRINTABLE)]
Text = Annotated[str, msgspec.Meta(max_length=128, pattern=_PRINTABLE)]
Remarks = Annotated[str, msgspec.Meta(max_length=500, pattern=_PRINTABLE)]
DecimalText = Annotated[str, msgspec.Meta(max_length=16, pattern=r"^-?\d{1,9}(\.\d{1,6})?$")]


class QualityIn(Struct):
    """The quality the settlement used: heat in kcal/kg, percentages in basis points (14.00 % → 1400)."""

    qnet_ar_kcal_per_kg: Whole | None = None
    mt_bp: Whole | None = None
    mad_bp: Whole | None = None
    ad_bp: Whole | None = None
    vdaf_bp: Whole | None = None
    st_d_bp: Whole | None = None


class AdjustmentIn(Struct):
    """One index's price effect as the issuer settled it (value as printed, fen per tonne signed)."""

    index: QualityIndex
    fen_per_t: Whole
    value: DecimalText | None = None


class BankIn(Struct):
    account_name: Annotated[str, msgspec.Meta(min_length=2, max_length=128, pattern=_PRINTABLE)]
    bank: Annotated[str, msgspec.Meta(min_length=2, max_length=128, pattern=_PRINTABLE)]
    account_no: Annotated[str, msgspec.Meta(min_length=6, max_length=40, pattern=r"^[0-9 -]+$")]


class LineIn(Struct):
    """One load's figures as issued; when `lines` is left out each load is settled at the
    settlement's unit price on its own settled weight."""

    ticket_no: TicketNo
    settled_kg: Whole
    unit_price_fen_per_t: Whole
    amount_fen: Whole
    deduction_kg: Whole = 0


class SettlementIssue(Struct):
    """A settlement of a contract's loads: the tickets by number, or every valid unsettled ticket
    of the contract whose gross was weighed in [periodFrom, periodTo] (China's calendar days).
    `scan` (base64 of a PDF, JPEG or PNG ≤ 10 MB) is the buyer's signed settlement, required when
    the seller uploads on the buyer's behalf."""

    settlement_no: SettlementNo
    period_from: date
    period_to: date
    supplier_kg: Whole
    settled_kg: Whole
    unit_price_fen_per_t: Whole
    amount_fen: Whole
    tax_rate_bp: Whole
    tax_fen: Whole
    total_fen: Whole
    bank: BankIn
    contract_id: uuid.UUID | None = None
    contract_no: Annotated[str, msgspec.Meta(min_length=2, max_length=64, pattern=_PRINTABLE)] | None = None
    ticket_nos: Annotated[list[TicketNo], msgspec.Meta(max_length=2000)] | None = None
    lines: Annotated[list[LineIn], msgspec.Meta(max_length=2000)] | None = None
    deduction_kg: Whole = 0
    short_kg: Whole = 0
    quality: QualityIn | None = None
    adjustments: Annotated[list[AdjustmentIn], msgspec.Meta(max_length=12)] = []
    settled_on: date | None = None
    remarks: Remarks = ""
    scan: bytes | None = None



class FindingOut(Out):
    code: str
    zh: str
    en: str
    field: str | None = None


class LineOut(Out):
    position: int
    ticket_id: uuid.UUID
    ticket_no: str
    order_id: uuid.UUID
    order_no: str
    waybill_no: str | None
    gross_at: datetime
    net_kg: int
    received_kg: int | None
    deduction_kg: int
    settled_kg: int
    unit_price_fen_per_t: int
    amount_fen: int
    computed_settled_kg: int | None
    computed_unit_price_fen_per_t: int | None
    computed_amount_fen: int | None
    computed_adjustments: list[dict[str, Any]]
    quality: dict[str, Any]
    live: bool
    # What differs from the platform's recomputation (kg, price, amount), for the side-by-side view.
    differs: list[str] = []


class SettlementOut(Out):
    id: uuid.UUID
    settlement_no: str
    version: int
    supersedes_id: uuid.UUID | None
    status: str
    source: str
    contract_id: uuid.UUID
    contract_no: str
    seller_org_id: uuid.UUID
    seller_name: str
    buyer_org_id: uuid.UUID
    buyer_name: str
    region_code: str
    issued_by_org_id: uuid.UUID
    period_from: date
    period_to: date
    settled_on: date
    load_count: int
    supplier_kg: int
    settled_kg: int
    short_kg: int
    deduction_kg: int
    unit_price_fen_per_t: int
    amount_fen: int
    tax_rate_bp: int
    tax_fen: int
    total_fen: int
    quality: dict[str, Any]
    adjustments: list[dict[str, Any]]
    computed_settled_kg: int | None
    computed_amount_fen: int | None
    computed_tax_fen: int | None
    computed_total_fen: int | None
    computed_unit_price_fen_per_t: int | None
    computed_adjustments: list[dict[str, Any]]
    computed_basis: str
    computed_terms_version: int | None
    mismatch: bool
    findings: list[FindingOut]
    previous_settled_kg: int
    previous_amount_fen: int
    buyer_confirmed_at: datetime | None
    seller_confirmed_at: datetime | None
    issued_at: datetime
    bank: dict[str, Any]
    remarks: str
    has_scan: bool
    evidence_seq: int | None
    # What the caller may do now (the domain decides; pages only show the buttons).
    can_confirm: bool = False
    can_correct: bool = False
    can_withdraw: bool = False
    lines: list[LineOut] = []


class SettlementPage(Page):
    items: list[SettlementOut]


class UnsettledTicket(Out):
    """A load of the contract no live settlement holds yet, for the issue page's checkboxes."""

    ticket_no: str
    order_no: str
    plate: str
    net_kg: int
    gross_at: datetime


class ScanFile(Out):
    path: str
    media_type: str
    sha256: str


class SettlementPdf(Out):
    data: bytes
    filename: str


class PreviewLine(Out):
    ticket_no: str
    order_no: str
    plate: str
    gross_at: datetime
    net_kg: int
    received_kg: int | None
    settled_kg: int
    unit_price_fen_per_t: int
    amount_fen: int
    quality: dict[str, Any]


class SettlementPreview(Out):
    """What the platform computes for a contract's unsettled loads in a period: the issue page's
    figures, prefilled and editable."""

    contract_id: uuid.UUID
    contract_no: str
    seller_name: str
    buyer_name: str
    period_from: date
    period_to: date
    basis: str
    terms_version: int | None
    supplier_kg: int
    settled_kg: int
    unit_price_fen_per_t: int
    amount_fen: int
    tax_rate_bp: int
    tax_fen: int
    total_fen: int
    adjustments: list[dict[str, Any]]
    lines: list[PreviewLine]
    i_am_buyer: bool
    i_am_seller: bool
