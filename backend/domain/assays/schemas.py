"""Assays (化验) on the wire (camelCase JSON).

Values are sent as the report states them: Qnet,ar in kcal/kg, or in MJ/kg when under 100 (converted
with 4.1816); percentages as decimals with at most two places (16.50). Stored as kcal/kg and basis points.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from backend.domain.pricing.schemas import DecimalStruct, Quality
from backend.structs import Out, Page

Scope = Literal["load", "batch"]
Lab = Literal["mine", "buyer", "third_party"]
LAB_LABELS: dict[str, tuple[str, str]] = {
    "mine": ("矿方化验室", "Mine laboratory"),
    "buyer": ("买方化验室", "Buyer's laboratory"),
    "third_party": ("第三方检验机构", "Third-party laboratory"),
}
SCOPE_LABELS: dict[str, tuple[str, str]] = {
    "load": ("单车", "One load"),
    "batch": ("批次（当日）", "Batch (a day)"),
}
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "hand": ("手工录入", "Entered by hand"),
    "open_api": ("接口上传", "Machine interface"),
}

_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
ReportNo = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Text40 = Annotated[str, msgspec.Meta(max_length=40, pattern=_PRINTABLE)]
Text100 = Annotated[str, msgspec.Meta(max_length=100, pattern=_PRINTABLE)]


class AssayValues(DecimalStruct):
    """What an assay states, whoever sends it (the report number is the path's, over /open/v1)."""

    scope: Scope
    lab: Lab
    tested_on: date
    ticket_no: Annotated[str, msgspec.Meta(min_length=1, max_length=24, pattern=_PRINTABLE)] | None = None
    batch_date: date | None = None
    lab_name: Text100 = ""
    sample_no: Text40 = ""
    standard: Annotated[str, msgspec.Meta(max_length=60, pattern=_PRINTABLE)] = ""
    qnet_ar_kcal_per_kg: Decimal | None = None  # under 100: MJ/kg
    mt_pct: Decimal | None = None
    mad_pct: Decimal | None = None
    ad_pct: Decimal | None = None
    vdaf_pct: Decimal | None = None
    st_d_pct: Decimal | None = None
    size_mm: Annotated[str, msgspec.Meta(max_length=20, pattern=_PRINTABLE)] = ""


class AssayIn(AssayValues, kw_only=True):
    """An assay entered by hand on a contract (the scan is uploaded beside it)."""

    report_no: ReportNo


class AssayPut(AssayValues, kw_only=True):
    """PUT /open/v1/assays/{reportNo}: the contract by its number."""

    contract_no: Annotated[str, msgspec.Meta(min_length=2, max_length=40, pattern=_PRINTABLE)]


class AssayOut(Out):
    id: uuid.UUID
    contract_id: uuid.UUID
    contract_no: str
    scope: str
    ticket_no: str | None
    batch_date: date | None
    lab: str
    lab_name: str
    sample_no: str
    report_no: str
    standard: str
    qnet_ar_kcal_per_kg: int | None
    qnet_input_value: str | None
    qnet_input_unit: str | None
    mt_bp: int | None
    mad_bp: int | None
    ad_bp: int | None
    vdaf_bp: int | None
    st_d_bp: int | None
    size_mm: str
    quality: Quality
    scan_sha256: str | None
    scan_media_type: str | None
    source: str
    uploaded_by_org_id: uuid.UUID
    tested_on: date
    created_at: datetime
    updated_at: datetime


class AssayPage(Page):
    items: list[AssayOut]


class ScanFile(msgspec.Struct, frozen=True, kw_only=True):
    """Where a readable assay's report scan lies on disk, for the web layer to stream."""

    path: str
    filename: str
    sha256: str
    media_type: str
