"""The platform's own computation of a settlement's loads, from the documents it holds.

With price terms on the contract (pricing.terms_at at the period's first day): the quantity basis
(the mine's ticket, or the consignee's gate when the terms say buyer_gate and the load was received),
the quality of the lab the terms name (assays.quality_for), and pricing.compute (per load, or the
month's weighted quality). Without terms: every load at the contract's flat price on its ticket
net, and the result says so (basis "flat_price").
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assays import service as assays
from backend.domain.contracts.schemas import ContractOut
from backend.domain.pricing import service as pricing
from backend.domain.pricing.schemas import Adjustment, LoadIn, Quality
from backend.domain.settlements.checks import amount_of, tax_of
from backend.domain.settlements.loads import Load

# Coal's VAT rate when the contract carries no terms to say otherwise (13 %).
DEFAULT_VAT_BP = 1300


class LineCalc(msgspec.Struct, frozen=True, kw_only=True):
    ticket_no: str
    basis_kg: int
    deduction_kg: int
    settled_kg: int
    unit_price_fen_per_t: int
    amount_fen: int
    adjustments: list[dict[str, Any]]
    quality: dict[str, Any]


class Calc(msgspec.Struct, frozen=True, kw_only=True):
    basis: str  # terms | flat_price
    terms_version: int | None
    lines: dict[str, LineCalc]
    settled_kg: int
    amount_fen: int
    tax_rate_bp: int
    tax_fen: int
    total_fen: int
    unit_price_fen_per_t: int
    adjustments: list[dict[str, Any]]
    # A load the terms reject (an index beyond its rejection limit): ticket_no -> index code.
    rejected: dict[str, str] = {}
    # Loads priced without an assay of the terms' lab (at the base quality): the platform says so.
    quality_missing: list[str] = []


def weighted_price(settled_kg: int, amount_fen: int) -> int:
    return (
        0
        if settled_kg == 0
        else int(
            (Decimal(amount_fen) * 1000 / Decimal(settled_kg)).quantize(
                Decimal(1), rounding="ROUND_HALF_EVEN"
            )
        )
    )


def flat(contract: ContractOut, loads: list[Load]) -> Calc:
    price = contract.price_fen_per_t
    lines = {
        ld.ticket.ticket_no: LineCalc(
            ticket_no=ld.ticket.ticket_no,
            basis_kg=ld.ticket.net_kg,
            deduction_kg=0,
            settled_kg=ld.ticket.net_kg,
            unit_price_fen_per_t=price,
            amount_fen=amount_of(ld.ticket.net_kg, price),
            adjustments=[],
            quality={},
        )
        for ld in loads
    }
    settled = sum(x.settled_kg for x in lines.values())
    amount = sum(x.amount_fen for x in lines.values())  # the sum of the lines: no drift
    tax = tax_of(amount, DEFAULT_VAT_BP)
    return Calc(
        basis="flat_price",
        terms_version=None,
        lines=lines,
        settled_kg=settled,
        amount_fen=amount,
        tax_rate_bp=DEFAULT_VAT_BP,
        tax_fen=tax,
        total_fen=amount + tax,
        unit_price_fen_per_t=price,
        adjustments=[],
    )


def _quality_json(q: Quality | None) -> dict[str, Any]:
    if q is None:
        return {}
    return {k: str(v) for k, v in msgspec.to_builtins(q, builtin_types=(Decimal,)).items() if v is not None}


def _adjustments(items: list[Adjustment]) -> list[dict[str, Any]]:
    return [
        {"index": a.index, "value": str(a.value), "steps": str(a.steps), "fenPerT": a.fen_per_t}
        for a in items
    ]


async def compute(session: AsyncSession, *, contract: ContractOut, loads: list[Load], on: date) -> Calc:
    terms = await pricing.terms_at(session, contract_id=contract.id, on=on)
    if terms is None:
        return flat(contract, loads)
    qualities = await assays.quality_for(
        session, contract_id=contract.id, ticket_nos=[ld.ticket.ticket_no for ld in loads], lab=terms.lab
    )
    # The engine decides what a receipt means: the basis at buyer_gate, a transit-loss claim otherwise.
    result = pricing.compute(
        terms=terms,
        loads=[
            LoadIn(
                ticket_no=ld.ticket.ticket_no,
                net_kg=ld.ticket.net_kg,
                received_kg=ld.received.received_net_kg if ld.received else None,
                quality=qualities.get(ld.ticket.ticket_no),
            )
            for ld in loads
        ],
    )
    lines = {
        x.ticket_no: LineCalc(
            ticket_no=x.ticket_no,
            basis_kg=x.basis_kg,
            deduction_kg=x.deduction_kg,
            settled_kg=x.settled_kg,
            unit_price_fen_per_t=x.unit_price_fen_per_t,
            amount_fen=x.amount_fen,
            adjustments=_adjustments(x.adjustments),
            quality=_quality_json(
                result.quality if result.quality is not None else qualities.get(x.ticket_no)
            ),
        )
        for x in result.lines
    }
    shared = result.lines[0].adjustments if result.mode == "monthly_weighted" and result.lines else []
    return Calc(
        basis="terms",
        terms_version=terms.version,
        lines=lines,
        settled_kg=result.settled_kg,
        amount_fen=result.amount_fen,
        tax_rate_bp=result.tax_rate_bp,
        tax_fen=result.tax_fen,
        total_fen=result.total_fen,
        unit_price_fen_per_t=result.unit_price_fen_per_t,
        adjustments=_adjustments(shared),
        rejected={x.ticket_no: x.rejected for x in result.lines if x.rejected},
        quality_missing=[x.ticket_no for x in result.lines if x.quality_missing],
    )
