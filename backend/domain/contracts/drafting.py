"""The seller's side of a draft: write it, change it, or throw it away (the scan: `scans`).

Only a draft changes; from filing on, the terms and the scan are the legal record.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.unit import context_of, savepoint
from backend.domain.audit import service as audit
from backend.domain.contracts import errors, rules, views
from backend.domain.contracts.access import access_contract, require_role
from backend.domain.contracts.lifecycle import record_event
from backend.domain.contracts.models import Contract, ContractEvent
from backend.domain.contracts.schemas import ContractCreate, ContractOut, ContractUpdate
from backend.domain.identity.schemas import ISSUERS, Principal
from backend.domain.organisations import service as organisations
from backend.domain.organisations.schemas import ORG_KIND_LABELS, OrgBrief
from backend.errors import NotFound


async def _seller(session: AsyncSession, actor: Principal, org_id: uuid.UUID) -> OrgBrief:
    try:
        seller = await organisations.require_org(session, actor=actor, org_id=org_id)
    except NotFound:
        raise errors.party_unknown("sellerOrgId") from None  # missing and not visible alike
    if seller.kind not in rules.SELLER_KINDS:
        raise errors.seller_kind(*ORG_KIND_LABELS.get(seller.kind, (seller.kind, seller.kind)))
    organisations.check_transacting(seller, field="sellerOrgId")
    if seller.status != "active":
        raise errors.party_inactive("sellerOrgId")
    require_role(actor, seller.id, ISSUERS)
    return seller


async def _check_buyer(session: AsyncSession, *, seller_id: uuid.UUID, buyer_id: uuid.UUID) -> None:
    if buyer_id == seller_id:
        raise errors.same_party()
    # Any registered organisation may be named as buyer, visible to the seller or not.
    buyer = (await organisations.briefs(session, org_ids={buyer_id})).get(buyer_id)
    if buyer is None:
        raise errors.party_unknown("buyerOrgId")
    if buyer.kind in rules.NON_BUYER_KINDS:
        raise errors.buyer_kind(*ORG_KIND_LABELS.get(buyer.kind, (buyer.kind, buyer.kind)))
    organisations.check_transacting(buyer, field="buyerOrgId")
    if buyer.status != "active":
        raise errors.party_inactive("buyerOrgId")


def _bounds(session: AsyncSession) -> rules.Bounds:
    settings = context_of(session).settings
    return rules.Bounds(price_min_fen_per_t=settings.price_min_fen_per_t,
                        price_max_fen_per_t=settings.price_max_fen_per_t,
                        max_quantity_kg=settings.contract_max_quantity_kg)


def _terms(data: ContractCreate, bounds: rules.Bounds) -> dict[str, Any]:
    """The checked terms as column values (the parties and the number aside)."""
    quality = rules.quality(calorific_kcal_per_kg=data.calorific_kcal_per_kg, sulphur_pct=data.sulphur_pct,
                            ash_pct=data.ash_pct, moisture_pct=data.moisture_pct)
    cap_kg = rules.cap_kg(quantity_kg=data.quantity_kg, tolerance_bp=data.tolerance_bp, bounds=bounds)
    name, lon, lat = rules.destination(name=data.destination_name, lon=data.destination_lon, lat=data.destination_lat)
    rules.validity(valid_from=data.valid_from, valid_until=data.valid_until)
    return {
        "kind": data.kind, "product": data.product, "buyer_org_id": data.buyer_org_id,
        "calorific_kcal_per_kg": quality.calorific_kcal_per_kg, "sulphur_bp": quality.sulphur_bp,
        "ash_bp": quality.ash_bp, "moisture_bp": quality.moisture_bp, "price_fen_per_t": rules.price(data.price_fen_per_t, bounds=bounds),
        "quantity_kg": data.quantity_kg, "tolerance_bp": data.tolerance_bp, "cap_kg": cap_kg,
        "destination_name": name, "destination_lon": lon, "destination_lat": lat,
        "valid_from": data.valid_from, "valid_until": data.valid_until,
    }


async def _number_free(session: AsyncSession, *, seller_id: uuid.UUID, number: str, own_id: uuid.UUID | None) -> None:
    query = select(Contract.id).where(Contract.seller_org_id == seller_id, Contract.contract_no == number)
    if own_id is not None:
        query = query.where(Contract.id != own_id)
    if (await session.execute(query)).first() is not None:
        raise errors.number_taken()


async def _generated_number(session: AsyncSession, *, seller_id: uuid.UUID) -> str:
    day = rules.china_today()
    taken = await session.execute(select(Contract.contract_no).where(
        Contract.seller_org_id == seller_id, Contract.contract_no.startswith(rules.number_prefix(day))))
    return rules.next_number(day, list(taken.scalars()))


async def create_contract(session: AsyncSession, *, actor: Principal, data: ContractCreate) -> ContractOut:
    seller = await _seller(session, actor, data.seller_org_id)
    await _check_buyer(session, seller_id=seller.id, buyer_id=data.buyer_org_id)
    terms = _terms(data, _bounds(session))
    given = rules.contract_no(data.contract_no) if data.contract_no is not None else None
    if given is not None:
        await _number_free(session, seller_id=seller.id, number=given, own_id=None)
    for attempt in range(3):
        number = given or await _generated_number(session, seller_id=seller.id)
        contract = Contract(seller_org_id=seller.id, seller_region_code=seller.region_code, contract_no=number,
                            status="draft", reserved_kg=0, executed_kg=0, **terms)
        try:
            async with savepoint(session):  # its end flushes: a taken number answers here
                session.add(contract)
            break
        except IntegrityError:
            # Another draft took the same number between our look and our insert.
            if given is not None or attempt == 2:
                raise errors.number_taken() from None
    await record_event(session, contract_id=contract.id, actor=actor.actor, from_status=None, to_status="draft")
    await audit.record(session, actor=actor.actor, action="contract.create", entity="contract", entity_id=contract.id,
                       after=audit.snapshot(contract))
    return await views.one(session, contract)


async def draft_for_seller(session: AsyncSession, actor: Principal, contract_id: uuid.UUID) -> Contract:
    contract = await access_contract(session, actor, contract_id)
    require_role(actor, contract.seller_org_id, ISSUERS)
    if contract.status != "draft":
        raise errors.not_draft(contract.status)
    return contract


def _merged(contract: Contract, data: ContractUpdate) -> ContractCreate:
    """The draft's terms with the update laid over them, to be checked as a whole."""
    def pick(new: Any, old: Any) -> Any:
        return old if new is None else new

    c = contract
    return ContractCreate(
        seller_org_id=c.seller_org_id, buyer_org_id=pick(data.buyer_org_id, c.buyer_org_id), kind=pick(data.kind, c.kind),
        product=pick(data.product, c.product), contract_no=pick(data.contract_no, c.contract_no),
        calorific_kcal_per_kg=pick(data.calorific_kcal_per_kg, c.calorific_kcal_per_kg),
        sulphur_pct=pick(data.sulphur_pct, c.sulphur_bp / 100), ash_pct=pick(data.ash_pct, c.ash_bp / 100),
        moisture_pct=pick(data.moisture_pct, c.moisture_bp / 100),
        price_fen_per_t=pick(data.price_fen_per_t, c.price_fen_per_t), quantity_kg=pick(data.quantity_kg, c.quantity_kg),
        tolerance_bp=pick(data.tolerance_bp, c.tolerance_bp),
        destination_name=pick(data.destination_name, c.destination_name),
        destination_lon=pick(data.destination_lon, c.destination_lon),
        destination_lat=pick(data.destination_lat, c.destination_lat),
        valid_from=pick(data.valid_from, c.valid_from), valid_until=pick(data.valid_until, c.valid_until),
    )


async def update_contract(
    session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID, data: ContractUpdate
) -> ContractOut:
    contract = await draft_for_seller(session, actor, contract_id)
    merged = _merged(contract, data)
    if merged.buyer_org_id != contract.buyer_org_id:
        await _check_buyer(session, seller_id=contract.seller_org_id, buyer_id=merged.buyer_org_id)
    terms = _terms(merged, _bounds(session))
    number = rules.contract_no(merged.contract_no or contract.contract_no)
    if number != contract.contract_no:
        await _number_free(session, seller_id=contract.seller_org_id, number=number, own_id=contract.id)
    before = audit.snapshot(contract)
    changed = {name: value for name, value in {**terms, "contract_no": number}.items()
               if getattr(contract, name) != value}
    for name, value in changed.items():
        setattr(contract, name, value)
    if changed and contract.pdf_sha256 is not None:
        # The scan shows the terms as signed: once they change, it no longer does. Sign and scan again.
        contract.pdf_sha256, contract.pdf_size_bytes, contract.pdf_uploaded_at = None, None, None
    await session.flush()
    after = audit.snapshot(contract)
    if after != before:
        await audit.record(session, actor=actor.actor, action="contract.update", entity="contract",
                           entity_id=contract.id, before=before, after=after)
    return await views.one(session, contract)


async def delete_contract(session: AsyncSession, *, actor: Principal, contract_id: uuid.UUID) -> None:
    """A draft only; the audit trail keeps what it said (a stored scan stays: others may share it)."""
    contract = await draft_for_seller(session, actor, contract_id)
    await audit.record(session, actor=actor.actor, action="contract.delete", entity="contract", entity_id=contract.id,
                       before=audit.snapshot(contract))
    await session.execute(delete(ContractEvent).where(ContractEvent.contract_id == contract.id))
    await session.delete(contract)
