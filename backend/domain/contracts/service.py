"""Contracts for readers and for the features that draw on them (pickup orders, weigh tickets).

The execution ledger: `reserve` when a pickup order is issued, `release` when one is cancelled or
expires unused, `execute` when its weigh ticket moves the reservation to the weight actually
loaded. Each is ONE conditional UPDATE whose WHERE holds the invariant

    reserved_kg + executed_kg <= cap_kg        (cap = quantity × (1 + tolerance))

so concurrent orders on PostgreSQL (row lock, condition re-checked on the newest row) or on SQLite
(writers serialised) can never overdraw a contract; the table's CHECK constraints back it up. Each
movement leaves a contract_ledger row. These functions flush but do not commit: the caller's own
change (the order, the ticket) commits with them, or neither happens.

Drafting is in `drafting`, status changes in `lifecycle`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Update, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.contracts import errors, views
from backend.domain.contracts.access import access_contract, party_filter
from backend.domain.contracts.drafting import create_contract, delete_contract, update_contract
from backend.domain.contracts.errors import capacity_exceeded, not_active
from backend.domain.contracts.lifecycle import (
    complete_contract,
    confirm_contract,
    file_contract,
    terminate_contract,
)
from backend.domain.contracts.models import Contract, ContractEvent, ContractLedgerEntry
from backend.domain.contracts.rules import NON_BUYER_KINDS, SELLER_KINDS, china_today
from backend.domain.contracts.scans import pdf_file, upload_pdf
from backend.domain.contracts.schemas import (
    ContractEventOut,
    ContractOut,
    ContractPage,
    ContractProgress,
    Destination,
    LedgerEntryOut,
)
from backend.domain.identity.schemas import Principal
from backend.domain.organisations import service as organisations
from backend.errors import Invalid

__all__ = ["NON_BUYER_KINDS", "SELLER_KINDS", "capacity_exceeded", "china_today", "complete_contract",
    "confirm_contract", "contract_destination", "contract_for", "contract_of_party", "contract_numbers", "contract_prices", "correct_execution", "create_contract",
    "delete_contract", "execute", "file_contract", "get_contract", "ledger_entries", "list_contracts", "list_events",
    "not_active", "pdf_file", "progress", "release", "reserve", "terminate_contract", "update_contract", "upload_pdf"]


# A weigh ticket may still settle an order reserved before the contract's last day passed.
_EXECUTABLE = ("active", "expired")


async def get_contract(session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID) -> ContractOut:
    return await views.one(session, await access_contract(session, actor, contract_id))


async def list_contracts(
    session: AsyncSession, *, actor: Principal, status: str | None = None, role: str | None = None,
    q: str | None = None, offset: int = 0, limit: int = 50,
) -> ContractPage:
    """The caller's contracts as seller or buyer (`role` narrows to one side), newest first."""
    query = select(Contract).where(party_filter(actor, role))
    if status:
        query = query.where(Contract.status == status)
    if q and q.strip():
        term = q.strip()
        parties = await organisations.ids_named_like(session, name_part=term)
        query = query.where(or_(Contract.contract_no.contains(term, autoescape=True),
                                Contract.destination_name.contains(term, autoescape=True),
                                Contract.seller_org_id.in_(parties), Contract.buyer_org_id.in_(parties)))
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(query.order_by(Contract.created_at.desc(), Contract.id).offset(offset).limit(limit))
    return ContractPage(total=total, offset=offset, limit=limit, items=await views.outs(session, list(rows.scalars())))


async def list_events(session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID) -> list[ContractEventOut]:
    contract = await access_contract(session, actor, contract_id)
    rows = await session.execute(
        select(ContractEvent).where(ContractEvent.contract_id == contract.id).order_by(ContractEvent.at, ContractEvent.id)
    )
    return [views.event_out(e) for e in rows.scalars()]


async def _current(session: AsyncSession, contract_id: uuid.UUID) -> Contract:
    query = select(Contract).where(Contract.id == contract_id).execution_options(populate_existing=True)
    contract = (await session.execute(query)).scalar_one_or_none()
    if contract is None:
        raise errors.contract_not_found()
    return contract


async def progress(session: AsyncSession, *, contract_id: uuid.UUID) -> ContractProgress:
    """For other features (no access check: the caller has already decided who asks)."""
    return views.progress(await _current(session, contract_id))


async def ledger_entries(session: AsyncSession, *, contract_id: uuid.UUID) -> list[LedgerEntryOut]:
    """Every movement in order (no access check: for the features that moved them, and for tests)."""
    rows = await session.execute(select(ContractLedgerEntry).where(ContractLedgerEntry.contract_id == contract_id)
                                 .order_by(ContractLedgerEntry.at, ContractLedgerEntry.id))
    return [LedgerEntryOut(kind=e.kind, kg=e.kg, reserved_delta_kg=e.reserved_delta_kg,
                           executed_delta_kg=e.executed_delta_kg, ref=e.ref, at=e.at) for e in rows.scalars()]


def _kg(value: int, field: str, *, zero_ok: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (value == 0 and not zero_ok):
        raise errors.kg_invalid(field)
    return value


def _ref(value: str) -> str:
    if not value or len(value) > 64 or "\x00" in value:
        raise Invalid("contract_ledger_ref", "台账引用须为 1–64 个字符", "A ledger reference is 1–64 characters",
                      field="ref")
    return value


async def _apply(session: AsyncSession, statement: Update) -> bool:
    result = await session.execute(statement.execution_options(synchronize_session=False))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _log(session: AsyncSession, contract_id: uuid.UUID, *, kind: str, kg: int, ref: str,
               reserved_delta_kg: int, executed_delta_kg: int) -> ContractProgress:
    session.add(ContractLedgerEntry(contract_id=contract_id, kind=kind, kg=kg, ref=ref,
                                    reserved_delta_kg=reserved_delta_kg, executed_delta_kg=executed_delta_kg))
    await session.flush()
    return views.progress(await _current(session, contract_id))


def _remaining(contract: Contract) -> int:
    return max(contract.cap_kg - contract.reserved_kg - contract.executed_kg, 0)


async def reserve(session: AsyncSession, *, contract_id: uuid.UUID, kg: int, ref: str) -> ContractProgress:
    """Hold `kg` of an active contract for an open pickup order; 409 when it is not active or too little remains."""
    _kg(kg, "kg")
    ref = _ref(ref)
    moved = await _apply(session, update(Contract).where(
        Contract.id == contract_id, Contract.status == "active",
        Contract.reserved_kg + Contract.executed_kg + kg <= Contract.cap_kg,
    ).values(reserved_kg=Contract.reserved_kg + kg))
    if not moved:
        contract = await _current(session, contract_id)
        if contract.status != "active":
            raise errors.not_active(contract.status)
        raise errors.capacity_exceeded(_remaining(contract), kg)
    return await _log(session, contract_id, kind="reserve", kg=kg, ref=ref, reserved_delta_kg=kg, executed_delta_kg=0)


async def release(session: AsyncSession, *, contract_id: uuid.UUID, kg: int, ref: str) -> ContractProgress:
    """Give back a reservation (order cancelled or lapsed), in any status."""
    _kg(kg, "kg")
    ref = _ref(ref)
    moved = await _apply(session, update(Contract).where(Contract.id == contract_id, Contract.reserved_kg >= kg)
                         .values(reserved_kg=Contract.reserved_kg - kg))
    if not moved:
        raise errors.release_exceeds((await _current(session, contract_id)).reserved_kg, kg)
    return await _log(session, contract_id, kind="release", kg=kg, ref=ref, reserved_delta_kg=-kg, executed_delta_kg=0)


async def execute(
    session: AsyncSession, *, contract_id: uuid.UUID, reserved_kg: int, actual_kg: int, ref: str
) -> ContractProgress:
    """A weigh ticket: drop the order's reservation and book the weight actually loaded instead,
    which may differ from what was reserved but never past the cap."""
    _kg(reserved_kg, "reservedKg", zero_ok=True)
    _kg(actual_kg, "actualKg")
    ref = _ref(ref)
    moved = await _apply(session, update(Contract).where(
        Contract.id == contract_id, Contract.status.in_(_EXECUTABLE), Contract.reserved_kg >= reserved_kg,
        Contract.reserved_kg + Contract.executed_kg - reserved_kg + actual_kg <= Contract.cap_kg,
    ).values(reserved_kg=Contract.reserved_kg - reserved_kg, executed_kg=Contract.executed_kg + actual_kg))
    if not moved:
        contract = await _current(session, contract_id)
        if contract.status not in _EXECUTABLE:
            raise errors.not_active(contract.status)
        if contract.reserved_kg < reserved_kg:
            raise errors.release_exceeds(contract.reserved_kg, reserved_kg)
        raise errors.capacity_exceeded(_remaining(contract) + reserved_kg, actual_kg)
    return await _log(session, contract_id, kind="execute", kg=actual_kg, ref=ref, reserved_delta_kg=-reserved_kg,
                      executed_delta_kg=actual_kg)


async def contract_numbers(session: AsyncSession, *, contract_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not contract_ids:
        return {}
    rows = await session.execute(select(Contract.id, Contract.contract_no).where(Contract.id.in_(contract_ids)))
    return {i: n for i, n in rows.all()}


async def contract_prices(session: AsyncSession, *, contract_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Each contract's price in fen per tonne (no access check: the caller has decided who asks)."""
    if not contract_ids:
        return {}
    rows = await session.execute(select(Contract.id, Contract.price_fen_per_t).where(Contract.id.in_(contract_ids)))
    return {i: p for i, p in rows.all()}


async def contract_for(session: AsyncSession, *, contract_id: uuid.UUID) -> ContractOut | None:
    """One contract (no access check: the caller has decided who asks; settlements recompute)."""
    contract = await session.get(Contract, contract_id)
    return None if contract is None else await views.one(session, contract)


async def contract_of_party(session: AsyncSession, *, org_id: uuid.UUID, contract_no: str) -> ContractOut | None:
    """The contract numbered `contract_no` to which `org_id` is a party (a machine names contracts by
    number); None when there is none, or when the number is ambiguous across its counterparties."""
    rows = (await session.execute(select(Contract).where(
        Contract.contract_no == contract_no, or_(Contract.seller_org_id == org_id, Contract.buyer_org_id == org_id))
        .limit(2))).scalars().all()
    return await views.one(session, rows[0]) if len(rows) == 1 else None


async def contract_destination(session: AsyncSession, *, contract_id: uuid.UUID) -> Destination | None:
    """Where the contract's coal goes, for waybills (no access check: the caller has decided who asks)."""
    row = (await session.execute(select(Contract.destination_name, Contract.destination_lon, Contract.destination_lat)
                                 .where(Contract.id == contract_id))).first()
    return None if row is None else Destination(name=row[0], lon=row[1], lat=row[2])


async def correct_execution(session: AsyncSession, *, contract_id: uuid.UUID, from_kg: int, to_kg: int,
                            ref: str) -> ContractProgress:
    """A supervised re-weigh replaced a ticket: book `to_kg` instead of the `from_kg` executed
    before, never past the cap (409 otherwise)."""
    _kg(from_kg, "fromKg")
    _kg(to_kg, "toKg")
    ref = _ref(ref)
    moved = await _apply(session, update(Contract).where(
        Contract.id == contract_id, Contract.executed_kg >= from_kg,
        Contract.reserved_kg + Contract.executed_kg - from_kg + to_kg <= Contract.cap_kg,
    ).values(executed_kg=Contract.executed_kg - from_kg + to_kg))
    if not moved:
        contract = await _current(session, contract_id)
        raise errors.capacity_exceeded(_remaining(contract) + from_kg, to_kg)
    return await _log(session, contract_id, kind="correct", kg=to_kg - from_kg, ref=ref, reserved_delta_kg=0,
                      executed_delta_kg=to_kg - from_kg)
