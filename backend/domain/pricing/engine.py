"""The pricing engine: pure functions from terms and quality to a price, and from loads to a settlement's
figures. No database, no clock: the same inputs give the same fen, on every machine.

Every figure is computed in Decimal and rounded half-even (GB/T 8170) once, where the contract rounds:
each adjustment to the fen per tonne, the unit price to the fen per tonne, each line's amount to the
fen, the tax on the sum. The total is the sum of the lines, so lines and total never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from backend.domain.pricing.schemas import (
    INDEX_FIELDS,
    Adjustment,
    Computation,
    ComputedLine,
    IndexRule,
    LoadIn,
    PricedLoad,
    Quality,
    TermsOut,
)

# The coal trade's calorie (20 °C): 1 kcal = 4.1816 kJ, so kcal/kg = MJ/kg × 1000 ÷ 4.1816.
KJ_PER_KCAL = Decimal("4.1816")
# Practice: a Qnet value under 100 is MJ/kg (no coal has 100 kcal/kg; none has 100 MJ/kg).
MJ_BELOW = Decimal(100)
_ONE = Decimal(1)
_CENT = Decimal("0.01")
_BP = Decimal(10000)
_KG_PER_T = Decimal(1000)
# Indices where a higher value is better coal (a band is counted down from its upper limit).
_HIGHER_IS_BETTER = frozenset({"qnet_ar"})


def half_even(value: Decimal, exponent: Decimal = _ONE) -> Decimal:
    return value.quantize(exponent, rounding=ROUND_HALF_EVEN)


def to_int(value: Decimal) -> int:
    return int(half_even(value))


def kcal_per_kg(value: Decimal) -> int:
    """Qnet,ar in kcal/kg, whole: a value under 100 is MJ/kg and converted with 4.1816, half-even."""
    if value < MJ_BELOW:
        return to_int(value * _KG_PER_T / KJ_PER_KCAL)
    return to_int(value)


def normalised(quality: Quality) -> Quality:
    """The same quality with Qnet,ar in whole kcal/kg."""
    q = quality.qnet_ar_kcal_per_kg
    if q is None:
        return quality
    return Quality(
        qnet_ar_kcal_per_kg=Decimal(kcal_per_kg(q)),
        mt_pct=quality.mt_pct,
        mad_pct=quality.mad_pct,
        ad_pct=quality.ad_pct,
        vdaf_pct=quality.vdaf_pct,
        st_d_pct=quality.st_d_pct,
    )


def _distance(rule: IndexRule, value: Decimal) -> Decimal:
    """How far the value goes into the rule's range, in the index's unit (0 when it does not)."""
    lower, upper = rule.lower, rule.upper
    if rule.condition == "ge" or (rule.condition == "band" and rule.index not in _HIGHER_IS_BETTER):
        if lower is None or value <= lower:
            return Decimal(0)
        top = value if upper is None else min(value, upper)
        return max(top - lower, Decimal(0))
    if upper is None or value >= upper:
        return Decimal(0)
    bottom = value if lower is None else max(value, lower)
    return max(upper - bottom, Decimal(0))


def _steps(rule: IndexRule, distance: Decimal) -> Decimal:
    """Whole or partial steps, as the contract counts a started step."""
    raw = distance / rule.step
    if rule.partial == "up":
        return raw.to_integral_value(rounding=ROUND_CEILING)
    if rule.partial == "down":
        return raw.to_integral_value(rounding=ROUND_FLOOR)
    if rule.partial == "decimals":
        return half_even(raw, Decimal(1).scaleb(-(rule.decimals or 0)))
    return half_even(raw)


def _rejected(rule: IndexRule, value: Decimal) -> bool:
    return (rule.reject_below is not None and value < rule.reject_below) or (
        rule.reject_above is not None and value > rule.reject_above
    )


def base_price(terms: TermsOut, quality: Quality) -> Decimal:
    """fen/t at this quality before adjustments: the fixed base, or milli-fen per kcal × Qnet,ar ÷ 1000."""
    if terms.basis == "per_kcal":
        qnet = quality.qnet_ar_kcal_per_kg
        kcal = Decimal(terms.base_qnet_kcal_per_kg) if qnet is None else qnet
        return Decimal(terms.base_price_milli_fen_per_kcal or 0) * kcal / _KG_PER_T
    return Decimal(terms.base_price_fen_per_t or 0)


def price_load(*, terms: TermsOut, quality: Quality) -> PricedLoad:
    """The unit price of one quality: base, then each rule's adjustment (rounded to the fen per tonne)."""
    q = normalised(quality)
    base = to_int(base_price(terms, q))
    adjustments: list[Adjustment] = []
    rejected: str | None = None
    for rule in terms.rules:
        value = getattr(q, INDEX_FIELDS[rule.index])
        if value is None:
            continue
        if rejected is None and _rejected(rule, value):
            rejected = rule.index
        steps = _steps(rule, _distance(rule, value))
        if steps:
            adjustments.append(
                Adjustment(
                    index=rule.index,
                    value=value,
                    steps=steps,
                    fen_per_t=to_int(steps * rule.amount_fen_per_step),
                )
            )
    deduction_bp = 0
    if terms.moisture_limit_bp is not None and q.mt_pct is not None:
        deduction_bp = max(to_int(q.mt_pct * 100) - terms.moisture_limit_bp, 0)
    unit = 0 if rejected else max(base + sum(a.fen_per_t for a in adjustments), 0)
    return PricedLoad(
        unit_price_fen_per_t=unit,
        base_price_fen_per_t=base,
        adjustments=adjustments,
        rejected=rejected,
        weight_deduction_bp=deduction_bp,
        quality=q,
    )


def _basis_kg(terms: TermsOut, load: LoadIn) -> tuple[int, int]:
    """(the quantity the contract settles on, the transit loss beyond the allowance to deduct)."""
    if terms.quantity_basis == "buyer_gate":
        return (load.net_kg if load.received_kg is None else load.received_kg), 0
    if load.received_kg is None or load.received_kg >= load.net_kg:
        return load.net_kg, 0
    allowed = to_int(Decimal(load.net_kg) * terms.allowed_loss_bp / _BP)
    return load.net_kg, max(load.net_kg - load.received_kg - allowed, 0)


def weighted_quality(loads: Sequence[tuple[int, Quality]]) -> Quality | None:
    """The kg-weighted average of each index over the loads that report it: Qnet,ar to the whole kcal/kg,
    percentages to two decimals, half-even."""
    averages: dict[str, Decimal | None] = {}
    for index, attr in INDEX_FIELDS.items():
        pairs = [(kg, getattr(q, attr)) for kg, q in loads if getattr(q, attr) is not None and kg > 0]
        total_kg = sum(kg for kg, _ in pairs)
        if not total_kg:
            averages[attr] = None
            continue
        mean = sum((Decimal(kg) * v for kg, v in pairs), Decimal(0)) / total_kg
        averages[attr] = half_even(mean, _ONE if index == "qnet_ar" else _CENT)
    if all(v is None for v in averages.values()):
        return None
    return Quality(**averages)


def compute(*, terms: TermsOut, loads: Sequence[LoadIn]) -> Computation:
    """A settlement's figures: per batch each load on its own quality; monthly_weighted one price for all,
    set on the kg-weighted average quality of the loads."""
    bases = [_basis_kg(terms, load) for load in loads]
    average: Quality | None = None
    shared: PricedLoad | None = None
    if terms.settlement_mode == "monthly_weighted":
        average = weighted_quality(
            [
                (b, normalised(ld.quality))
                for (b, _), ld in zip(bases, loads, strict=True)
                if ld.quality is not None
            ]
        )
        shared = price_load(terms=terms, quality=average or Quality())
    lines: list[ComputedLine] = []
    for (basis_kg, short_kg), load in zip(bases, loads, strict=True):
        priced = shared or price_load(terms=terms, quality=load.quality or Quality())
        moisture_kg = to_int(Decimal(basis_kg) * priced.weight_deduction_bp / _BP)
        deduction_kg = basis_kg if priced.rejected else min(basis_kg, moisture_kg + short_kg)
        settled_kg = basis_kg - deduction_kg
        amount = to_int(Decimal(settled_kg) * priced.unit_price_fen_per_t / _KG_PER_T)
        lines.append(
            ComputedLine(
                ticket_no=load.ticket_no,
                basis_kg=basis_kg,
                deduction_kg=deduction_kg,
                settled_kg=settled_kg,
                unit_price_fen_per_t=priced.unit_price_fen_per_t,
                amount_fen=amount,
                adjustments=priced.adjustments,
                rejected=priced.rejected,
                quality_missing=load.quality is None if shared is None else average is None,
            )
        )
    settled = sum(line.settled_kg for line in lines)
    amount_fen = sum(line.amount_fen for line in lines)
    tax = to_int(Decimal(amount_fen) * terms.vat_rate_bp / _BP)
    unit = to_int(Decimal(amount_fen) * _KG_PER_T / settled) if settled else 0
    return Computation(
        mode=terms.settlement_mode,
        lines=lines,
        basis_kg=sum(line.basis_kg for line in lines),
        deduction_kg=sum(line.deduction_kg for line in lines),
        settled_kg=settled,
        amount_fen=amount_fen,
        tax_rate_bp=terms.vat_rate_bp,
        tax_fen=tax,
        total_fen=amount_fen + tax,
        unit_price_fen_per_t=unit,
        quality=average,
    )
