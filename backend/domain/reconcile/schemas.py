"""Reconciliation on the wire (camelCase JSON): the chain rows, the boards and the trace."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from backend.structs import Out


class LinkState(StrEnum):
    """Where one link of a chain stands (stored as these strings)."""

    PRESENT = "present"
    MISSING = "missing"
    MISMATCH = "mismatch"
    PENDING = "pending"


LINKS = ("contract", "order", "ticket", "waybill", "settlement", "invoice", "payment")
LINK_LABELS: dict[str, tuple[str, str]] = {
    "contract": ("合同", "Contract"),
    "order": ("提煤单", "Pickup order"),
    "ticket": ("磅单", "Weigh ticket"),
    "waybill": ("运单", "Waybill"),
    "settlement": ("结算单", "Settlement"),
    "invoice": ("运输发票", "Transport invoice"),
    "payment": ("付款", "Payment"),
}
STATE_LABELS: dict[str, tuple[str, str]] = {
    LinkState.PRESENT: ("已有", "Present"),
    LinkState.MISSING: ("缺失", "Missing"),
    LinkState.MISMATCH: ("不符", "Mismatch"),
    LinkState.PENDING: ("待办", "Pending"),
}
# Every reason code the recomputation writes, with its label (zh, en).
REASONS: dict[str, tuple[str, str]] = {
    "ticket_missing": ("提煤单已完成但无有效磅单", "Order completed without a valid weigh ticket"),
    "waybill_missing": ("已过磅但无运单", "Weighed but no waybill"),
    "waybill_without_arrival": ("运单长时间未到达", "Waybill open long past its departure"),
    "short_weight": ("亏吨超过合同允许运损", "Short weight beyond the allowed transit loss"),
    "settled_qty_differs": ("结算数量与磅单不符", "Settled quantity differs from the tickets"),
    "price_above_contract": ("结算价高于合同质价条款", "Settled price above the contract after quality"),
    "settlement_overdue": ("结算逾期", "Settlement overdue"),
    "invoice_suspect": ("运输发票行存疑", "Transport invoice line suspect"),
    "parties_differ": ("四流主体不一致", "Parties differ across the four flows"),
}


class ChainRowOut(Out):
    order_id: uuid.UUID
    order_no: str
    contract_id: uuid.UUID
    contract_no: str
    region_code: str
    day: date
    ordered_kg: int
    loaded_kg: int
    delivered_kg: int
    settled_kg: int
    settled_fen: int
    invoiced_kg: int
    invoiced_fen: int
    paid_fen: int
    states: dict[str, str]
    reasons: list[str]
    mismatch: bool
    updated_at: datetime


class ChainPage(Out):
    total: int
    offset: int
    limit: int
    items: list[ChainRowOut]


class BoardRow(Out):
    """One group of a board: a contract (or a district) on one day or month."""

    key: str  # contract id, or the district's region code
    label: str  # contract number, or the district's name
    period: str  # YYYY-MM-DD or YYYY-MM
    orders: int
    ordered_kg: int
    loaded_kg: int
    delivered_kg: int
    settled_kg: int
    settled_fen: int
    invoiced_kg: int
    invoiced_fen: int
    paid_fen: int
    mismatches: int


class BoardOut(Out):
    group: str  # day | month
    date_from: date
    date_to: date
    rows: list[BoardRow]
    totals: BoardRow


class TraceDoc(Out):
    """One document of the chain, in the order of the chain."""

    kind: str  # contract | order | ticket | waybill | receipt | assay | settlement | invoice | payment
    number: str
    state: str
    at: datetime | None
    facts: dict[str, Any]
    link: str | None = None  # the existing page that shows it (a waybill's track)


class TraceChain(Out):
    order_no: str
    docs: list[TraceDoc]
    status: ChainRowOut | None


class TraceOut(Out):
    number: str
    kind: str  # what the number named
    contract_no: str
    chains: list[TraceChain]


class Choice(Out):
    key: str
    label: str


class ReconcileView(Out):
    """A board page: the board, the mismatches of the same period and scope, and the filter's choices
    (the contracts or districts that have rows in the period)."""

    board: BoardOut
    mismatches: ChainPage
    choices: list[Choice]


# The facts a trace shows per document, labelled (zh, en) in the units people read; the page converts
# the stored integers by the key's suffix (_reconcile_ui.html `fact`: Kg → t, Fen → yuan, Bp → %, M → km, S → min).
FACT_LABELS: dict[str, tuple[str, str]] = {
    "priceFenPerT": ("合同单价（元/吨）", "Price (yuan/t)"),
    "quantityKg": ("数量（吨）", "Quantity (t)"),
    "validFrom": ("生效", "Valid from"),
    "validUntil": ("到期", "Valid until"),
    "plannedKg": ("计划（吨）", "Planned (t)"),
    "plate": ("车牌", "Plate"),
    "closedAt": ("关闭时间", "Closed at"),
    "netKg": ("净重（吨）", "Net (t)"),
    "voidReason": ("作废原因", "Void reason"),
    "arrivedAt": ("到达时间", "Arrived at"),
    "distanceM": ("里程（公里）", "Distance (km)"),
    "durationS": ("用时（分钟）", "Duration (min)"),
    "destination": ("目的地", "Destination"),
    "receivedNetKg": ("收货净重（吨）", "Received net (t)"),
    "lab": ("化验方", "Lab"),
    "scope": ("范围", "Scope"),
    "qnetArKcalPerKg": ("Qnet,ar（千卡/千克）", "Qnet,ar (kcal/kg)"),
    "mtBp": ("Mt（%）", "Mt (%)"),
    "adBp": ("Ad（%）", "Ad (%)"),
    "stDBp": ("St,d（%）", "St,d (%)"),
    "testedOn": ("化验日期", "Tested on"),
    "version": ("版本", "Version"),
    "live": ("有效", "Live"),
    "settledKg": ("结算（吨）", "Settled (t)"),
    "unitPriceFenPerT": ("结算单价（元/吨）", "Unit price (yuan/t)"),
    "computedUnitPriceFenPerT": ("平台复核单价（元/吨）", "Platform's unit price (yuan/t)"),
    "amountFen": ("金额（元）", "Amount (yuan)"),
    "lineNo": ("行号", "Line"),
    "issueDate": ("开票日期", "Issued on"),
    "invoiceStatus": ("发票状态", "Invoice status"),
    "means": ("支付方式", "Means"),
    "settlementId": ("结算单", "Settlement"),
    "invoiceId": ("发票", "Invoice"),
}
