"""E-contracts on the wire (camelCase JSON).

Request bounds are loose on purpose: they keep absurd numbers away from the 64-bit columns, while
the rules (rules.py) answer 422 with the reason a seller understands, the field named.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from backend.structs import Out, Page, Struct

ContractKind = Literal["supply_guarantee", "long_term", "market", "purchase"]
KIND_LABELS: dict[str, tuple[str, str]] = {
    "supply_guarantee": ("保供合同", "Supply-guarantee contract"),
    "long_term": ("中长协合同", "Long-term contract"),
    "market": ("市场合同", "Market contract"),
    "purchase": ("采购合同", "Purchase contract"),
}
Product = Literal[
    "raw_coal", "lump_coal", "fine_coal", "mixed_coal", "clean_coal", "washed_mixed", "slime", "middlings"
]
PRODUCT_LABELS: dict[str, tuple[str, str]] = {
    "raw_coal": ("原煤", "Raw coal"),
    "lump_coal": ("块煤", "Lump coal"),
    "fine_coal": ("末煤", "Fine coal"),
    "mixed_coal": ("混煤", "Mixed coal"),
    "clean_coal": ("精煤", "Clean coal"),
    "washed_mixed": ("洗混煤", "Washed mixed coal"),
    "slime": ("煤泥", "Coal slime"),
    "middlings": ("中煤", "Middlings"),
}
ContractStatus = Literal["draft", "filed", "active", "completed", "expired", "terminated"]
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "Draft"),
    "filed": ("已备案", "Filed"),
    "active": ("执行中", "Active"),
    "completed": ("已完成", "Completed"),
    "expired": ("已到期", "Expired"),
    "terminated": ("已终止", "Terminated"),
}
PartyRole = Literal["seller", "buyer"]

_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Whole = Annotated[int, msgspec.Meta(ge=-(10**15), le=10**15)]
Percent = Annotated[float, msgspec.Meta(ge=-1e6, le=1e6)]
Lon = Annotated[float, msgspec.Meta(ge=-180, le=180)]
Lat = Annotated[float, msgspec.Meta(ge=-90, le=90)]
ContractNo = Annotated[str, msgspec.Meta(min_length=2, max_length=40, pattern=_PRINTABLE)]
PlaceName = Annotated[str, msgspec.Meta(min_length=2, max_length=128, pattern=_PRINTABLE)]


class ContractCreate(Struct):
    """A draft. `contractNo` is generated (HT + yyyymmdd + sequence) when not given."""

    seller_org_id: uuid.UUID
    buyer_org_id: uuid.UUID
    kind: ContractKind
    product: Product
    calorific_kcal_per_kg: Whole
    sulphur_pct: Percent
    ash_pct: Percent
    moisture_pct: Percent
    price_fen_per_t: Whole
    quantity_kg: Whole
    destination_name: PlaceName
    destination_lon: Lon
    destination_lat: Lat
    valid_from: date
    valid_until: date
    tolerance_bp: Whole = 0
    contract_no: ContractNo | None = None


class ContractUpdate(Struct):
    """A draft's terms; only the fields given change (the seller never does)."""

    buyer_org_id: uuid.UUID | None = None
    kind: ContractKind | None = None
    product: Product | None = None
    contract_no: ContractNo | None = None
    calorific_kcal_per_kg: Whole | None = None
    sulphur_pct: Percent | None = None
    ash_pct: Percent | None = None
    moisture_pct: Percent | None = None
    price_fen_per_t: Whole | None = None
    quantity_kg: Whole | None = None
    tolerance_bp: Whole | None = None
    destination_name: PlaceName | None = None
    destination_lon: Lon | None = None
    destination_lat: Lat | None = None
    valid_from: date | None = None
    valid_until: date | None = None


class ContractTerminate(Struct):
    reason: Annotated[str, msgspec.Meta(min_length=2, max_length=500, pattern=_PRINTABLE)]


class LabelOut(Out):
    zh: str
    en: str


class PdfOut(Out):
    sha256: str
    size_bytes: int
    uploaded_at: datetime


class ContractProgress(Out):
    """How far the contract has run. `remainingKg` is what pickup orders may still reserve
    (quantity plus tolerance, less reserved and executed); `percent` is executed of quantity."""

    contract_id: uuid.UUID
    quantity_kg: int
    cap_kg: int
    reserved_kg: int
    executed_kg: int
    remaining_kg: int
    percent: float


class ContractOut(Out):
    id: uuid.UUID
    contract_no: str
    kind: str
    kind_label: LabelOut
    status: str
    status_label: LabelOut
    seller_org_id: uuid.UUID
    seller_name: str
    seller_region_code: str
    buyer_org_id: uuid.UUID
    buyer_name: str
    product: str
    product_label: LabelOut
    calorific_kcal_per_kg: int
    sulphur_pct: float
    ash_pct: float
    moisture_pct: float
    price_fen_per_t: int
    quantity_kg: int
    tolerance_bp: int
    destination_name: str
    destination_lon: float
    destination_lat: float
    valid_from: date
    valid_until: date
    pdf: PdfOut | None
    progress: ContractProgress
    terminated_reason: str | None
    created_at: datetime
    updated_at: datetime


class ContractPage(Page):
    items: list[ContractOut]


class ContractEventOut(Out):
    at: datetime
    actor_label: str
    from_status: str | None
    to_status: str
    to_label: LabelOut
    note: str


class LedgerEntryOut(Out):
    kind: str
    kg: int
    reserved_delta_kg: int
    executed_delta_kg: int
    ref: str
    at: datetime


class PdfFile(msgspec.Struct, frozen=True, kw_only=True):
    """Where a readable contract's scan lies on disk, for the web layer to stream."""

    path: str
    filename: str
    sha256: str
    size_bytes: int


class Destination(msgspec.Struct, frozen=True, kw_only=True):
    """Where a contract's coal goes (a waybill's destination)."""

    name: str
    lon: float
    lat: float
