"""A contract's life: draft → filed (备案) → active → completed | expired | terminated.

Every move is one conditional UPDATE (`WHERE status = <from>`), so two people acting at once can
never both succeed from the same state; each move leaves a contract_events row and an audit entry
in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.audit import service as audit
from backend.domain.audit.schemas import Actor
from backend.domain.contracts import errors, views
from backend.domain.contracts.access import access_contract, require_role
from backend.domain.contracts.models import Contract, ContractEvent
from backend.domain.contracts.schemas import ContractOut, ContractTerminate
from backend.domain.identity.schemas import ENTERPRISE_ADMINS, ISSUERS, Principal
from backend.domain.organisations import service as organisations
from backend.errors import forbidden

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"filed"}),
    "filed": frozenset({"active", "terminated"}),
    "active": frozenset({"completed", "expired", "terminated"}),
}
# The periodic expiry job acts as nobody in particular.
SYSTEM = Actor(user_id=None, label="系统 (system)", client="worker")


async def record_event(
    session: AsyncSession, *, contract_id: uuid.UUID, actor: Actor, from_status: str | None, to_status: str,
    note: str = "",
) -> None:
    session.add(ContractEvent(contract_id=contract_id, actor_user_id=actor.user_id, actor_label=actor.label[:100],
                              from_status=from_status, to_status=to_status, note=note[:500]))


def check_transition(from_status: str, to_status: str) -> None:
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise errors.illegal_transition(from_status, to_status)


async def _move(
    session: AsyncSession, *, actor: Actor, contract: Contract, to: str, note: str = "",
    guards: tuple[ColumnElement[bool], ...] = (), **values: Any,
) -> bool:
    """Move `contract` to `to` if it is still where we saw it (and `guards` hold). False if not."""
    from_status = contract.status
    check_transition(from_status, to)
    before = audit.snapshot(contract)
    result = await session.execute(
        update(Contract).where(Contract.id == contract.id, Contract.status == from_status, *guards)
        .values(status=to, **values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await session.refresh(contract)
    await record_event(session, contract_id=contract.id, actor=actor, from_status=from_status, to_status=to, note=note)
    await audit.record(session, actor=actor, action=f"contract.{to}", entity="contract", entity_id=contract.id,
                       before=before, after=audit.snapshot(contract))
    return True


async def _moved_or_raise(session: AsyncSession, moved: bool, contract: Contract, to: str) -> ContractOut:
    if not moved:
        # Someone else moved it between our read and our write: report where it is now.
        await session.refresh(contract)
        raise errors.illegal_transition(contract.status, to)
    return await views.one(session, contract)


async def _transacting(session: AsyncSession, org_id: uuid.UUID) -> None:
    """A party awaiting review neither files nor signs (409 org_pending)."""
    organisations.check_transacting((await organisations.briefs(session, org_ids={org_id})).get(org_id))


async def file_contract(session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID) -> ContractOut:
    """备案: the seller lodges the signed scan; the terms are frozen from here on."""
    contract = await access_contract(session, actor, contract_id)
    require_role(actor, contract.seller_org_id, ISSUERS)
    await _transacting(session, contract.seller_org_id)
    check_transition(contract.status, "filed")
    if contract.pdf_sha256 is None:
        raise errors.pdf_required()
    moved = await _move(session, actor=actor.actor, contract=contract, to="filed",
                        guards=(Contract.pdf_sha256.is_not(None),))
    return await _moved_or_raise(session, moved, contract, "filed")


async def confirm_contract(session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID) -> ContractOut:
    """The buyer's admin accepts the filed contract: pickup orders may now draw on it."""
    contract = await access_contract(session, actor, contract_id)
    require_role(actor, contract.buyer_org_id, ENTERPRISE_ADMINS)
    await _transacting(session, contract.buyer_org_id)
    moved = await _move(session, actor=actor.actor, contract=contract, to="active")
    return await _moved_or_raise(session, moved, contract, "active")


async def terminate_contract(
    session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID, data: ContractTerminate
) -> ContractOut:
    contract = await access_contract(session, actor, contract_id)
    if not (actor.is_member(contract.seller_org_id, ENTERPRISE_ADMINS) or actor.is_member(contract.buyer_org_id, ENTERPRISE_ADMINS)):
        raise forbidden()
    reason = " ".join(data.reason.split())
    if len(reason) < 2:
        raise errors.out_of_range("contract_reason_required", "请说明终止原因", "Give the reason for terminating",
                                  field="reason")
    moved = await _move(session, actor=actor.actor, contract=contract, to="terminated", note=reason,
                        terminated_reason=reason)
    return await _moved_or_raise(session, moved, contract, "terminated")


def _check_delivered(contract: Contract) -> None:
    if contract.executed_kg < contract.quantity_kg:
        raise errors.not_fully_executed(contract.executed_kg, contract.quantity_kg)
    if contract.reserved_kg > 0:
        raise errors.open_reservations(contract.reserved_kg)


async def complete_contract(session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID) -> ContractOut:
    """The seller closes a contract whose quantity has been delivered and which no open order still holds."""
    contract = await access_contract(session, actor, contract_id)
    require_role(actor, contract.seller_org_id, ISSUERS)
    check_transition(contract.status, "completed")
    _check_delivered(contract)
    guards = (Contract.executed_kg >= Contract.quantity_kg, Contract.reserved_kg == 0)
    if await _move(session, actor=actor.actor, contract=contract, to="completed", guards=guards):
        return await _moved_or_raise(session, True, contract, "completed")
    # The status or the ledger moved under us: say which, as of now.
    await session.refresh(contract)
    check_transition(contract.status, "completed")
    _check_delivered(contract)
    return await _moved_or_raise(session, False, contract, "completed")


async def expire_contracts(session: AsyncSession, *, today: date) -> int:
    """Active contracts whose last day (`valid_until`) is before `today` become expired. Idempotent,
    and safe in several workers at once: each row moves only if it is still active. Commits."""
    ids = (await session.execute(
        select(Contract.id).where(Contract.status == "active", Contract.valid_until < today)
    )).scalars().all()
    expired = 0
    for contract_id in ids:
        contract = await session.get(Contract, contract_id, populate_existing=True)
        if contract is None or contract.status != "active":
            continue
        if await _move(session, actor=SYSTEM, contract=contract, to="expired", note=f"valid until {contract.valid_until}",
                       guards=(Contract.valid_until < today,)):
            expired += 1
    return expired
