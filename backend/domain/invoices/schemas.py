"""Transport invoices in (as the carrier or the payer sends them) and out (with the checks' results)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec

from backend.structs import Out, Page, Struct

_Text = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
_Fen = Annotated[int, msgspec.Meta(ge=0, le=10**13)]


class InvoiceStatus(StrEnum):
    CHECKED = "checked"  # every line matched a waybill and every check passed
    SUSPECT = "suspect"  # at least one finding


class LineStatus(StrEnum):
    """The worst finding of a line, as stored (contract: transport_invoice_lines.status)."""

    MATCHED = "matched"
    NO_WAYBILL = "no_waybill"
    INVOICED_TWICE = "waybill_invoiced_twice"
    ABOVE_DELIVERED = "above_delivered"
    RATE_OFF_BAND = "rate_off_band"


LINE_STATUS_LABELS: dict[str, tuple[str, str]] = {
    LineStatus.MATCHED: ("已匹配运单", "matched to waybills"),
    LineStatus.NO_WAYBILL: ("无对应运单（疑似虚开）", "no waybill (suspected false invoice)"),
    LineStatus.INVOICED_TWICE: ("运单已被其他发票开具", "waybill already invoiced"),
    LineStatus.ABOVE_DELIVERED: ("开票吨数超过实际运量", "invoiced above delivered"),
    LineStatus.RATE_OFF_BAND: ("运价偏离区域合理区间", "freight rate off the region's band"),
}
STATUS_LABELS: dict[str, tuple[str, str]] = {
    InvoiceStatus.CHECKED: ("核验通过", "checked"),
    InvoiceStatus.SUSPECT: ("存疑", "suspect"),
}


class InvoiceLineIn(Struct):
    line_no: Annotated[int, msgspec.Meta(ge=1, le=999)]
    origin: _Text  # province&city&county as printed
    destination: _Text
    mode: int  # 1 rail, 2 road, 3 water, 4 air, 5 pipeline (checked: a 422 on the line's field)
    plate: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    goods: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    quantity_kg: int
    amount_fen: _Fen
    service_date: date


class InvoiceIn(Struct):
    """The invoice's content; its number comes from the path (PUT) or the body (InvoiceCreate)."""

    issue_date: date
    kind: str  # 81 special VAT invoice, 82 ordinary invoice
    seller_name: _Text
    seller_credit_code: Annotated[str, msgspec.Meta(max_length=32)]
    buyer_name: _Text
    buyer_credit_code: Annotated[str, msgspec.Meta(max_length=32)]
    amount_fen: _Fen
    tax_rate_bp: Annotated[int, msgspec.Meta(ge=0, le=10_000)]
    tax_fen: _Fen
    total_fen: _Fen
    lines: Annotated[list[InvoiceLineIn], msgspec.Meta(min_length=1, max_length=200)]


class InvoiceCreate(InvoiceIn, kw_only=True):
    invoice_no: Annotated[str, msgspec.Meta(max_length=32)]


class Finding(Out):
    code: str
    message_zh: str
    message_en: str
    line_no: int | None = None


class LinkedWaybill(Out):
    waybill_id: uuid.UUID
    waybill_no: str
    order_no: str
    delivered_kg: int


class InvoiceLineOut(Out):
    line_no: int
    origin: str
    destination: str
    mode: int
    plate: str
    goods: str
    quantity_kg: int
    amount_fen: int
    service_date: date
    status: str
    status_zh: str
    status_en: str
    delivered_kg: int | None
    rate_milli_yuan_per_tkm: int | None
    waybills: list[LinkedWaybill]
    findings: list[Finding]


class InvoiceOut(Out):
    id: uuid.UUID
    invoice_no: str
    issue_date: date
    kind: str
    seller_name: str
    seller_credit_code: str
    seller_org_id: uuid.UUID | None
    buyer_name: str
    buyer_credit_code: str
    buyer_org_id: uuid.UUID | None
    payer_side: str | None
    amount_fen: int
    tax_rate_bp: int
    tax_fen: int
    total_fen: int
    region_code: str
    source: str
    status: str
    status_zh: str
    status_en: str
    findings: list[Finding]
    created_at: datetime
    lines: list[InvoiceLineOut] = []


class InvoicePage(Page):
    items: list[InvoiceOut]


class InvoiceParties(msgspec.Struct, frozen=True, kw_only=True):
    """What payments need of an invoice it pays: who should pay whom."""

    id: uuid.UUID
    invoice_no: str
    seller_org_id: uuid.UUID | None
    seller_credit_code: str
    buyer_org_id: uuid.UUID | None
    buyer_credit_code: str
    region_code: str
    order_ids: tuple[uuid.UUID, ...]


class FreightOut(Out):
    """Freight billed for one of the driver's loads."""

    invoice_no: str
    issue_date: date
    waybill_no: str
    order_no: str
    plate: str
    quantity_kg: int
    amount_fen: int  # the line's amount, shared by the line's loads in proportion to what each delivered
    delivered_kg: int
