"""How the contract pages show numbers: the wire keeps kg, fen and basis points, people read
tonnes, yuan per tonne and percent. Pure functions, handed to the templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backend.domain.contracts.schemas import ContractOut, ContractProgress
from backend.domain.identity.schemas import Principal

# Status → badge colour of app.css.
STATUS_BADGES = {"draft": "muted", "filed": "info", "active": "ok", "completed": "", "expired": "warn",
                 "terminated": "bad"}


def _trim(text: str, zeros: str) -> str:
    return text[: -len(zeros)] if text.endswith(zeros) else text


def tonnes(kg: int) -> str:
    """12_345_678 kg -> "12,345.7"; whole tonnes without a decimal ("50,000")."""
    return _trim(f"{kg / 1000:,.1f}", ".0")


def yuan(fen: int) -> str:
    """68_050 fen -> "680.50"; whole yuan without decimals ("680")."""
    return _trim(f"{fen / 100:,.2f}", ".00")


def percent(value: float) -> str:
    """A percentage as the contract states it: 0.85 -> "0.85", 8.0 -> "8", 12.5 -> "12.5"."""
    return _trim(_trim(f"{value:.2f}", "0"), ".0") if value % 1 else f"{int(value)}"


def tolerance(bp: int) -> str:
    return percent(bp / 100)


def value_yuan(price_fen_per_t: int, quantity_kg: int) -> str:
    """What the contract is worth at its quantity, to the yuan."""
    return f"{round(price_fen_per_t * quantity_kg / 1000 / 100):,}"


def degrees(value: float) -> str:
    return _trim(f"{value:.6f}".rstrip("0"), ".")


def file_size(size_bytes: int) -> str:
    if size_bytes < 1024:
        return f"{size_bytes} B"
    if size_bytes < 1024 * 1024:
        return f"{size_bytes / 1024:.0f} KB"
    return f"{size_bytes / 1024 / 1024:.1f} MB"


def days_left(until: date, today: date) -> int:
    return (until - today).days + 1  # the last day counts


@dataclass(frozen=True)
class Meter:
    """The execution bar: its whole length is the cap (quantity plus tolerance); executed and
    reserved fill it from the left; a mark shows where the quantity itself ends."""

    done_pct: float
    held_pct: float
    quantity_pct: float
    percent: str


def meter(progress: ContractProgress) -> Meter:
    cap = max(progress.cap_kg, 1)
    done = min(progress.executed_kg / cap * 100, 100.0)
    held = min(progress.reserved_kg / cap * 100, 100.0 - done)
    return Meter(done_pct=round(done, 2), held_pct=round(held, 2),
                 quantity_pct=round(progress.quantity_kg / cap * 100, 2), percent=percent(progress.percent))


@dataclass(frozen=True)
class Row:
    """A contract in the list, seen from the viewer's side of it."""

    contract: ContractOut
    side: str  # "seller", "buyer", or "" (a platform admin looking on)
    counterparty: str
    meter: Meter


def row(me: Principal, contract: ContractOut) -> Row:
    if me.is_member(contract.seller_org_id):
        side, other = "seller", contract.buyer_name
    elif me.is_member(contract.buyer_org_id):
        side, other = "buyer", contract.seller_name
    else:
        side, other = "", f"{contract.seller_name} → {contract.buyer_name}"
    return Row(contract=contract, side=side, counterparty=other, meter=meter(contract.progress))
