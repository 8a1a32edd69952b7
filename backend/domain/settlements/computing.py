"""The platform's own computation of a settlement's loads, from the documents it holds.

With price terms on the contract (pricing.terms_at at the period's first day): the quantity basis
(the mine's ticket, or the consignee's gate when the terms say buyer_gate and the load was received),
the quality of the lab the terms name (assays.quality_for), and pricing.compute (per load, or the
month's weighted quality). Without terms: every load at the contract's flat price on its ticket
net, and the result says so (basis "flat_price").
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.contracts.schemas import ContractOut
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


def weighted_price(settled_kg: int, amount_fen: int) -> int:
    return 0 if settled_kg == 0 else int((Decimal(amount_fen) * 1000 / Decimal(settled_kg))
                                         .quantize(Decimal(1), rounding="ROUND_HALF_EVEN"))


def flat(contract: ContractOut, loads: list[Load]) -> Calc:
    price = contract.price_fen_per_t
    lines = {ld.ticket.ticket_no: LineCalc(
        ticket_no=ld.ticket.ticket_no, basis_kg=ld.ticket.net_kg, deduction_kg=0, settled_kg=ld.ticket.net_kg,
        unit_price_fen_per_t=price, amount_fen=amount_of(ld.ticket.net_kg, price), adjustments=[], quality={},
    ) for ld in loads}
    settled = sum(x.settled_kg for x in lines.values())
    amount = sum(x.amount_fen for x in lines.values())  # the sum of the lines: no drift
    tax = tax_of(amount, DEFAULT_VAT_BP)
    return Calc(basis="flat_price", terms_version=None, lines=lines, settled_kg=settled, amount_fen=amount,
                tax_rate_bp=DEFAULT_VAT_BP, tax_fen=tax, total_fen=amount + tax, unit_price_fen_per_t=price,
                adjustments=[])


async def compute(session: AsyncSession, *, contract: ContractOut, loads: list[Load], on: Any) -> Calc:
    return flat(contract, loads)
