"""Quality-price terms and the engine's values on the wire (camelCase JSON).

Decimals travel as JSON strings or numbers and are kept as Decimal (never float): a limit of 16.5 %
or a step of 0.1 % is exact. Money per tonne is integer fen; rates are basis points.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from backend.structs import Out, Struct

Basis = Literal["per_tonne", "per_kcal"]
QuantityBasis = Literal["mine_ticket", "buyer_gate"]
Lab = Literal["mine", "buyer", "third_party"]
SettlementMode = Literal["batch", "monthly_weighted"]
IndexCode = Literal["qnet_ar", "mt", "mad", "ad", "vdaf", "st_d"]
Condition = Literal["ge", "le", "band"]
Partial = Literal["up", "down", "half_even", "decimals"]

INDEX_CODES: tuple[str, ...] = ("qnet_ar", "mt", "mad", "ad", "vdaf", "st_d")
CONDITION_CODES: tuple[str, ...] = ("ge", "le", "band")
PARTIAL_CODES: tuple[str, ...] = ("up", "down", "half_even", "decimals")
# Which Quality attribute an index reads, and its label and unit for people.
INDEX_FIELDS: dict[str, str] = {
    "qnet_ar": "qnet_ar_kcal_per_kg",
    "mt": "mt_pct",
    "mad": "mad_pct",
    "ad": "ad_pct",
    "vdaf": "vdaf_pct",
    "st_d": "st_d_pct",
}
INDEX_LABELS: dict[str, tuple[str, str, str]] = {
    "qnet_ar": ("收到基低位发热量 Qnet,ar", "Net calorific value Qnet,ar", "kcal/kg"),
    "mt": ("全水分 Mt", "Total moisture Mt", "%"),
    "mad": ("空干基水分 Mad", "Moisture Mad", "%"),
    "ad": ("干燥基灰分 Ad", "Ash Ad", "%"),
    "vdaf": ("干燥无灰基挥发分 Vdaf", "Volatile matter Vdaf", "%"),
    "st_d": ("干燥基全硫 St,d", "Total sulphur St,d", "%"),
}
CONDITION_LABELS: dict[str, tuple[str, str]] = {
    "ge": ("高于下限", "above the lower limit"),
    "le": ("低于上限", "below the upper limit"),
    "band": ("区间内", "within the band"),
}
PARTIAL_LABELS: dict[str, tuple[str, str]] = {
    "up": ("不足一档按一档（进位）", "a started step counts (up)"),
    "down": ("满档计（舍去）", "full steps only (down)"),
    "half_even": ("四舍六入五成双", "half-even"),
    "decimals": ("按比例保留小数", "pro rata to n decimals"),
}

# Loose wire bounds (absurd numbers never reach a column); the service answers 422 with the reason.
Dec = Decimal  # bounded in __post_init__ (msgspec has no numeric bounds for Decimal)
_DEC_LIMIT = Decimal(1_000_000)
Fen = Annotated[int, msgspec.Meta(ge=-(10**12), le=10**12)]
SmallInt = Annotated[int, msgspec.Meta(ge=-(10**6), le=10**6)]
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=16)]


def check_decimals(struct: msgspec.Struct) -> None:
    """Finite, within ±1 000 000 and at most 6 decimals: NaN, Infinity or 1e-999999 never reach the engine."""
    for field in msgspec.structs.fields(struct):
        value = getattr(struct, field.name)
        if isinstance(value, Decimal) and (
            not value.is_finite() or abs(value) > _DEC_LIMIT or int(value.as_tuple().exponent) < -6
        ):
            raise ValueError(
                f"`{field.encode_name}` must be a finite decimal within ±1000000, at most 6 decimals"
            )


class DecimalStruct(Struct):
    def __post_init__(self) -> None:
        super().__post_init__()
        check_decimals(self)


class Quality(DecimalStruct):
    """A load's (or an average's) quality, each index in its own unit; percent as Decimal (16.5 = 16.5 %).
    A Qnet,ar under 100 is read as MJ/kg and converted (engine.kcal_per_kg)."""

    qnet_ar_kcal_per_kg: Dec | None = None
    mt_pct: Dec | None = None
    mad_pct: Dec | None = None
    ad_pct: Dec | None = None
    vdaf_pct: Dec | None = None
    st_d_pct: Dec | None = None


class IndexRule(DecimalStruct):
    """One index's rule. `ge`: counted upward from `lower` (to `upper` if given); `le`: counted downward
    from `upper` (to `lower` if given); `band`: both limits, counted from the index's better side (the
    upper limit for Qnet,ar, the lower for moisture, ash, volatiles and sulphur) across the band.
    `amountFenPerStep` is signed: + adds, − deducts. Outside `rejectBelow`..`rejectAbove` the load is refused."""

    # Codes as plain strings: an unknown one is a 422 naming the field (service), not a bare decode error.
    index: Code
    condition: Code
    step: Dec
    amount_fen_per_step: Fen
    partial: Code
    lower: Dec | None = None
    upper: Dec | None = None
    decimals: SmallInt | None = None
    reject_below: Dec | None = None
    reject_above: Dec | None = None


class TermsIn(Struct):
    """A new version of a contract's price terms (the previous versions stay as they were)."""

    effective_from: date
    basis: Basis
    base_qnet_kcal_per_kg: SmallInt
    quantity_basis: QuantityBasis
    lab: Lab
    settlement_mode: SettlementMode
    rules: Annotated[list[IndexRule], msgspec.Meta(max_length=30)] = []
    base_price_fen_per_t: Fen | None = None
    base_price_milli_fen_per_kcal: Fen | None = None
    moisture_limit_bp: SmallInt | None = None
    allowed_loss_bp: SmallInt = 0
    vat_rate_bp: SmallInt = 1300
    payment_due_days: SmallInt = 30
    note: Annotated[str, msgspec.Meta(max_length=500, pattern=_PRINTABLE)] = ""


class TermsOut(Out):
    id: uuid.UUID
    contract_id: uuid.UUID
    version: int
    effective_from: date
    basis: str
    base_price_fen_per_t: int | None
    base_price_milli_fen_per_kcal: int | None
    base_qnet_kcal_per_kg: int
    moisture_limit_bp: int | None
    quantity_basis: str
    allowed_loss_bp: int
    lab: str
    settlement_mode: str
    vat_rate_bp: int
    payment_due_days: int
    rules: list[IndexRule]
    note: str = ""
    created_by: uuid.UUID | None = None
    created_at: datetime | None = None


class Adjustment(Out):
    index: str
    value: Decimal
    steps: Decimal
    fen_per_t: int


class PricedLoad(Out):
    """The price of one quality under the terms. `rejected` names the index outside its rejection limits
    (the price is then 0); `weightDeductionBp` is the moisture above the limit, deducted from the weight."""

    unit_price_fen_per_t: int
    base_price_fen_per_t: int
    adjustments: list[Adjustment]
    rejected: str | None
    weight_deduction_bp: int
    quality: Quality


class LoadIn(Out):
    ticket_no: str
    net_kg: int
    received_kg: int | None = None
    quality: Quality | None = None


class ComputedLine(Out):
    ticket_no: str
    basis_kg: int
    deduction_kg: int
    settled_kg: int
    unit_price_fen_per_t: int
    amount_fen: int
    adjustments: list[Adjustment]
    rejected: str | None = None
    quality_missing: bool = False


class Computation(Out):
    mode: str
    lines: list[ComputedLine]
    basis_kg: int
    deduction_kg: int
    settled_kg: int
    amount_fen: int
    tax_rate_bp: int
    tax_fen: int
    total_fen: int
    unit_price_fen_per_t: int
    quality: Quality | None  # monthly_weighted: the kg-weighted average the price was set on
