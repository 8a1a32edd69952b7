"""How the contract page shows its quality-price terms and assays: the wire keeps fen, basis points and
Decimal limits; people read yuan per tonne, percent and "above 4,000 kcal/kg". Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.domain.assays.schemas import AssayOut
from backend.domain.pricing.schemas import CONDITION_LABELS, INDEX_LABELS, PARTIAL_LABELS, IndexRule, TermsOut


def num(value: Decimal | int | None) -> str:
    """4000 -> "4,000"; 16.50 -> "16.5"; None -> "—"."""
    if value is None:
        return "—"
    text = f"{Decimal(value):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def signed_yuan(fen: int) -> str:
    return f"{'+' if fen > 0 else '−' if fen < 0 else ''}{abs(fen) / 100:,.2f}"


def pct(bp: int | None) -> str:
    return "—" if bp is None else num(Decimal(bp) / 100)


@dataclass(frozen=True)
class RuleRow:
    index: tuple[str, str]
    unit: str
    condition: tuple[str, str]
    limits: str
    step: str
    amount: str
    deducts: bool
    rounding: tuple[str, str]
    reject: str


def rule_row(r: IndexRule) -> RuleRow:
    zh, en, unit = INDEX_LABELS.get(r.index, (r.index, r.index, ""))
    if r.condition == "band":
        limits = f"{num(r.lower)}–{num(r.upper)}"
    elif r.condition == "ge":
        limits = f"> {num(r.lower)}" + (f"（≤ {num(r.upper)}）" if r.upper is not None else "")
    else:
        limits = f"< {num(r.upper)}" + (f"（≥ {num(r.lower)}）" if r.lower is not None else "")
    rounding = PARTIAL_LABELS.get(r.partial, (r.partial, r.partial))
    if r.partial == "decimals":
        rounding = (f"{rounding[0]}（{r.decimals} 位）", f"{rounding[1]} ({r.decimals})")
    reject = " / ".join(
        x
        for x in (
            f"< {num(r.reject_below)}" if r.reject_below is not None else "",
            f"> {num(r.reject_above)}" if r.reject_above is not None else "",
        )
        if x
    )
    return RuleRow(
        index=(zh, en),
        unit=unit,
        condition=CONDITION_LABELS.get(r.condition, (r.condition, r.condition)),
        limits=f"{limits} {unit}",
        step=f"{num(r.step)} {unit}",
        amount=signed_yuan(r.amount_fen_per_step),
        deducts=r.amount_fen_per_step < 0,
        rounding=rounding,
        reject=reject,
    )


def base_price(t: TermsOut) -> str:
    if t.basis == "per_kcal":
        return f"{num(Decimal(t.base_price_milli_fen_per_kcal or 0) / 100_000)} 元/大卡·吨"
    return f"{(t.base_price_fen_per_t or 0) / 100:,.2f}"


@dataclass(frozen=True)
class AssayRow:
    a: AssayOut
    qnet: str
    mt: str
    ad: str
    st_d: str
    subject: str


def assay_row(a: AssayOut) -> AssayRow:
    qnet = "—" if a.qnet_ar_kcal_per_kg is None else f"{a.qnet_ar_kcal_per_kg:,} kcal/kg"
    if a.qnet_input_unit == "mj_per_kg" and a.qnet_input_value:
        qnet += f"（{a.qnet_input_value} MJ/kg）"
    subject = a.ticket_no or (a.batch_date.isoformat() if a.batch_date else "")

    def shown(bp: int | None) -> str:
        return "—" if bp is None else f"{pct(bp)}%"

    return AssayRow(
        a=a, qnet=qnet, mt=shown(a.mt_bp), ad=shown(a.ad_bp), st_d=shown(a.st_d_bp), subject=subject
    )
