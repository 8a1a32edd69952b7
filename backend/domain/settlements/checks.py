"""The figures of a settlement checked on their own (pure): bounds, tax = amount × rate, total =
amount + tax, and lines that add up. Each refusal names the JSON field; nothing is stored before.

Money is integer fen and weight integer kg; the tax is computed in Decimal and rounded half-even
(GB/T 8170), and the issuer's tax may differ from it by at most one fen (its own rounding).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from backend.domain.settlements import errors
from backend.domain.settlements.schemas import SettlementIssue

# Plausibility bounds: far beyond any real settlement, near enough to refuse a typo's extra zeros.
MAX_KG = 5_000_000_000  # 5 million tonnes in one settlement
MAX_LINE_KG = 200_000  # one truck or wagon: 200 t
MAX_FEN_PER_T = 1_000_000  # 10,000 yuan a tonne
MAX_FEN = 10**13  # 100 billion yuan
MAX_TAX_BP = 2500
MAX_ADJUST_FEN_PER_T = 100_000
MAX_PERIOD_DAYS = 366
TAX_TOLERANCE_FEN = 1
_MIN_DAY, _MAX_DAY = date(2000, 1, 1), date(2099, 12, 31)
_QUALITY_BOUNDS = {
    "qnet_ar_kcal_per_kg": (0, 9000),
    "mt_bp": (0, 10000),
    "mad_bp": (0, 10000),
    "ad_bp": (0, 10000),
    "vdaf_bp": (0, 10000),
    "st_d_bp": (0, 10000),
}


def half_even(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def tax_of(amount_fen: int, rate_bp: int) -> int:
    return half_even(Decimal(amount_fen) * Decimal(rate_bp) / Decimal(10000))


def amount_of(kg: int, fen_per_t: int) -> int:
    return half_even(Decimal(kg) * Decimal(fen_per_t) / Decimal(1000))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)


def _bounded(value: int, low: int, high: int, field: str) -> None:
    if value < low:
        raise errors.figure(
            "settlement_figure_negative",
            "金额或数量不能为负数",
            "An amount or quantity cannot be negative",
            field=field,
        )
    if value > high:
        raise errors.figure(
            "settlement_figure_absurd",
            f"数值超出合理范围（上限 {high:,}）",
            f"The figure is beyond any plausible value (at most {high:,})",
            field=field,
        )


def _day(value: date, field: str) -> None:
    if not _MIN_DAY <= value <= _MAX_DAY:
        raise errors.figure(
            "settlement_date_range",
            "日期须在 2000 至 2099 年之间",
            "A date must be within 2000–2099",
            field=field,
        )


def check_figures(data: SettlementIssue) -> None:
    """Everything that can be judged from the body alone."""
    _day(data.period_from, "periodFrom")
    _day(data.period_to, "periodTo")
    if data.settled_on is not None:
        _day(data.settled_on, "settledOn")
    if data.period_to < data.period_from:
        raise errors.figure(
            "settlement_period_order",
            "结算期间的结束日不能早于开始日",
            "The period cannot end before it begins",
            field="periodTo",
        )
    if (data.period_to - data.period_from).days >= MAX_PERIOD_DAYS:
        raise errors.figure(
            "settlement_period_long",
            "结算期间不能超过一年",
            "A period may span at most a year",
            field="periodTo",
        )
    for name in ("supplier_kg", "settled_kg", "deduction_kg", "short_kg"):
        _bounded(getattr(data, name), 0, MAX_KG, _camel(name))
    if data.settled_kg == 0:
        raise errors.figure(
            "settlement_kg_zero",
            "结算数量须大于零",
            "The settled quantity must be above zero",
            field="settledKg",
        )
    _bounded(data.unit_price_fen_per_t, 0, MAX_FEN_PER_T, "unitPriceFenPerT")
    for name in ("amount_fen", "tax_fen", "total_fen"):
        _bounded(getattr(data, name), 0, MAX_FEN, _camel(name))
    _bounded(data.tax_rate_bp, 0, MAX_TAX_BP, "taxRateBp")
    if abs(data.tax_fen - tax_of(data.amount_fen, data.tax_rate_bp)) > TAX_TOLERANCE_FEN:
        expected = tax_of(data.amount_fen, data.tax_rate_bp)
        raise errors.figure(
            "settlement_tax_mismatch",
            f"税额应为金额×税率 = {expected} 分（允许差 1 分）",
            f"The tax must be amount × rate = {expected} fen (within 1 fen)",
            field="taxFen",
        )
    if data.total_fen != data.amount_fen + data.tax_fen:
        raise errors.figure(
            "settlement_total_mismatch",
            "价税合计须等于金额加税额",
            "The total must equal the amount plus the tax",
            field="totalFen",
        )
    if data.quality is not None:
        for name, (low, high) in _QUALITY_BOUNDS.items():
            value = getattr(data.quality, name)
            if value is not None:
                _bounded(value, low, high, f"quality.{_camel(name)}")
    for i, adj in enumerate(data.adjustments):
        _bounded(abs(adj.fen_per_t), 0, MAX_ADJUST_FEN_PER_T, f"adjustments[{i}].fenPerT")
    if data.lines is not None:
        _check_lines(data)


def _check_lines(data: SettlementIssue) -> None:
    lines = data.lines or []
    for i, line in enumerate(lines):
        _bounded(line.settled_kg, 0, MAX_LINE_KG, f"lines[{i}].settledKg")
        _bounded(line.deduction_kg, 0, MAX_LINE_KG, f"lines[{i}].deductionKg")
        _bounded(line.unit_price_fen_per_t, 0, MAX_FEN_PER_T, f"lines[{i}].unitPriceFenPerT")
        _bounded(line.amount_fen, 0, MAX_FEN, f"lines[{i}].amountFen")
    if sum(x.settled_kg for x in lines) != data.settled_kg:
        raise errors.figure(
            "settlement_lines_kg",
            "各车结算数量之和须等于结算数量",
            "The lines' settled kg must add up to the settled kg",
            field="settledKg",
        )
    if sum(x.amount_fen for x in lines) != data.amount_fen:
        raise errors.figure(
            "settlement_lines_amount",
            "各车金额之和须等于结算金额",
            "The lines' amounts must add up to the amount",
            field="amountFen",
        )
