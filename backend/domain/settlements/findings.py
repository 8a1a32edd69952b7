"""The issued figures held against the platform's computation (pure).

Tolerances: kg exactly (a weight is what the scales said), the unit price exactly (it is the
contract's price after quality), an amount by one fen per line (the issuer's own rounding).
A unit price above the computed one is also `price_above_contract`: the contract after quality
allows no more.
"""

from __future__ import annotations

from typing import Any

from backend.domain.settlements.computing import Calc
from backend.domain.settlements.models import Settlement, SettlementLine

AMOUNT_TOLERANCE_FEN = 1  # per line
MISMATCH = "settlement_mismatch"
PRICE_ABOVE = "price_above_contract"
QUALITY_MISSING = "quality_missing"
# Findings that are notes, not differences: they alone do not make a mismatch.
NOT_A_DIFFERENCE = frozenset({PRICE_ABOVE, QUALITY_MISSING})


def _f(code: str, zh: str, en: str, field: str) -> dict[str, Any]:
    return {"code": code, "zh": zh, "en": en, "field": field}


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _t(kg: int) -> str:
    return f"{kg / 1000:,.3f}"


def compare(s: Settlement, lines: list[SettlementLine], calc: Calc) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for i, line in enumerate(lines):
        c = calc.lines.get(line.ticket_no)
        if c is None:
            continue
        where = f"lines[{i}]"
        if c.unit_price_fen_per_t and line.unit_price_fen_per_t != c.unit_price_fen_per_t:
            found.append(
                _f(
                    "line_price_differs",
                    f"磅单 {line.ticket_no} 单价 {_yuan(line.unit_price_fen_per_t)} 元/吨，平台复核 {_yuan(c.unit_price_fen_per_t)} 元/吨",
                    f"Ticket {line.ticket_no}: {_yuan(line.unit_price_fen_per_t)} yuan/t settled, "
                    f"{_yuan(c.unit_price_fen_per_t)} recomputed",
                    f"{where}.unitPriceFenPerT",
                )
            )
        if line.settled_kg != c.settled_kg:
            found.append(
                _f(
                    "line_kg_differs",
                    f"磅单 {line.ticket_no} 结算 {_t(line.settled_kg)} 吨，平台复核 {_t(c.settled_kg)} 吨",
                    f"Ticket {line.ticket_no}: {_t(line.settled_kg)} t settled, {_t(c.settled_kg)} t recomputed",
                    f"{where}.settledKg",
                )
            )
        if abs(line.amount_fen - c.amount_fen) > AMOUNT_TOLERANCE_FEN:
            found.append(
                _f(
                    "line_amount_differs",
                    f"磅单 {line.ticket_no} 金额 {_yuan(line.amount_fen)} 元，平台复核 {_yuan(c.amount_fen)} 元",
                    f"Ticket {line.ticket_no}: {_yuan(line.amount_fen)} yuan settled, {_yuan(c.amount_fen)} recomputed",
                    f"{where}.amountFen",
                )
            )
    if s.settled_kg != calc.settled_kg:
        found.append(
            _f(
                "settled_kg_differs",
                f"结算数量 {_t(s.settled_kg)} 吨，平台复核 {_t(calc.settled_kg)} 吨",
                f"{_t(s.settled_kg)} t settled, {_t(calc.settled_kg)} t recomputed",
                "settledKg",
            )
        )
    if s.unit_price_fen_per_t != calc.unit_price_fen_per_t:
        found.append(
            _f(
                "unit_price_differs",
                f"结算单价 {_yuan(s.unit_price_fen_per_t)} 元/吨，平台复核 {_yuan(calc.unit_price_fen_per_t)} 元/吨",
                f"{_yuan(s.unit_price_fen_per_t)} yuan/t settled, {_yuan(calc.unit_price_fen_per_t)} recomputed",
                "unitPriceFenPerT",
            )
        )
    if abs(s.amount_fen - calc.amount_fen) > AMOUNT_TOLERANCE_FEN * max(1, len(lines)):
        found.append(
            _f(
                "amount_differs",
                f"结算金额 {_yuan(s.amount_fen)} 元，平台复核 {_yuan(calc.amount_fen)} 元",
                f"{_yuan(s.amount_fen)} yuan settled, {_yuan(calc.amount_fen)} recomputed",
                "amountFen",
            )
        )
    for ticket_no, index in calc.rejected.items():
        found.append(
            _f(
                "load_rejected",
                f"磅单 {ticket_no} 的 {index} 超出合同拒收限值",
                f"Ticket {ticket_no}: {index} beyond the contract's rejection limit",
                "ticketNos",
            )
        )
    if calc.quality_missing:
        nos = "、".join(calc.quality_missing[:5])
        found.append(
            _f(
                QUALITY_MISSING,
                f"磅单 {nos} 无合同约定化验方的化验结果，按基准质量复核",
                f"Tickets {nos}: no assay of the lab the terms name; recomputed at the base quality",
                "quality",
            )
        )
    above = s.unit_price_fen_per_t > calc.unit_price_fen_per_t or any(
        (c := calc.lines.get(x.ticket_no)) is not None and x.unit_price_fen_per_t > c.unit_price_fen_per_t
        for x in lines
    )
    if above:
        found.append(
            _f(
                PRICE_ABOVE,
                "结算单价高于合同质价条款折算后的价格",
                "The settled unit price is above the contract's price after quality",
                "unitPriceFenPerT",
            )
        )
    return found
