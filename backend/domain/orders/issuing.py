"""Issuing pickup orders (开单): one or a batch, each reserving its tonnage on the contract.

The batch is one transaction: every order's reservation is a conditional UPDATE on the contract
row (contracts.service.reserve), so concurrent issuers can never overdraw it, and a batch that
does not fit whole is refused whole (409 naming what remains).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.contracts import service as contracts
from backend.domain.contracts.schemas import ContractOut
from backend.domain.identity.schemas import ISSUERS, Principal
from backend.domain.orders import errors, rules, views
from backend.domain.orders.lifecycle import record_transition
from backend.domain.orders.models import PickupOrder
from backend.domain.orders.schemas import OrderIssue, OrderOut, OrderStatus
from backend.domain.organisations import service as organisations
from backend.domain.sites import service as sites
from backend.domain.sites.schemas import SiteBrief
from backend.errors import Conflict, DomainError, forbidden
from devices.passcode import new_totp_secret


def totp_context(order_id: uuid.UUID) -> str:
    # Binding the ciphertext to its order: a secret copied onto another row does not decrypt.
    return f"order-totp:{order_id}"


def _on_field(exc: DomainError, field: str) -> Conflict:
    """A contract's refusal, pointed at the order form's field it concerns."""
    return Conflict(exc.code, exc.message_zh, exc.message_en, field=field)


async def _check_carrier(session: AsyncSession, carrier_org_id: uuid.UUID | None) -> None:
    if carrier_org_id is None:
        return
    brief = (await organisations.briefs(session, org_ids={carrier_org_id})).get(carrier_org_id)
    organisations.check_transacting(brief, field="carrierOrgId")
    if brief is None or brief.kind != "carrier" or brief.status != "active":
        raise errors.carrier_invalid()


async def _issue_one(
    session: AsyncSession, *, ctx: Context, actor: Principal, data: OrderIssue, contract: ContractOut,
    site: SiteBrief, now: datetime, validity: tuple[datetime, datetime], batch_id: uuid.UUID | None,
) -> PickupOrder:
    order_id = uuid.uuid4()
    order = PickupOrder(
        id=order_id, order_no=rules.order_no(now), contract_id=contract.id, seller_org_id=contract.seller_org_id,
        buyer_org_id=contract.buyer_org_id, site_id=site.id, region_code=site.region_code, product=contract.product,
        planned_kg=data.planned_kg, carrier_org_id=data.carrier_org_id, batch_id=batch_id, valid_from=validity[0],
        valid_until=validity[1], status=OrderStatus.ISSUED, issued_by_user_id=actor.user_id, note=data.note,
        totp_secret_enc=ctx.vault.encrypt(new_totp_secret(), context=totp_context(order_id)),
    )
    # Reserve first: a contract without room refuses before the order is written.
    await contracts.reserve(session, contract_id=contract.id, kg=data.planned_kg, ref=order.order_no)
    session.add(order)
    await session.flush()  # the order row before its transition row (foreign key)
    record_transition(session, order_id=order_id, actor=actor.actor, from_status=None, to_status=OrderStatus.ISSUED,
                      note=data.note)
    return order


async def issue_orders(session: AsyncSession, *, ctx: Context, actor: Principal, data: OrderIssue) -> list[OrderOut]:
    contract = await contracts.get_contract(session, actor=actor, contract_id=data.contract_id)
    if not actor.is_member(contract.seller_org_id, ISSUERS):
        raise forbidden()
    seller = (await organisations.briefs(session, org_ids={contract.seller_org_id})).get(contract.seller_org_id)
    organisations.check_transacting(seller)
    rules.planned_kg(data.planned_kg, min_kg=ctx.settings.order_min_planned_kg,
                     max_kg=ctx.settings.order_max_planned_kg)
    count = rules.batch_count(data.count)
    site = await sites.site_brief(session, site_id=data.site_id)
    if site is None or site.org_id != contract.seller_org_id:
        raise errors.site_not_sellers()
    if site.status != "active":
        raise errors.site_closed()
    await _check_carrier(session, data.carrier_org_id)
    now = utcnow()
    validity = rules.validity(now=now, valid_from=data.valid_from, valid_until=data.valid_until,
                              contract_from=contract.valid_from, contract_until=contract.valid_until)
    if contract.status != "active":
        raise _on_field(contracts.not_active(contract.status), "contractId")
    wanted_kg = data.planned_kg * count
    if wanted_kg > contract.progress.remaining_kg:  # the whole batch, named as such; the ledger re-checks
        raise _on_field(contracts.capacity_exceeded(contract.progress.remaining_kg, wanted_kg), "plannedKg")
    batch_id = uuid.uuid4() if count > 1 else None
    try:
        orders = [await _issue_one(session, ctx=ctx, actor=actor, data=data, contract=contract, site=site, now=now,
                                   validity=validity, batch_id=batch_id) for _ in range(count)]
        await session.flush()
    except Conflict as exc:  # a concurrent issuer took the room (or moved the contract) since we read it
        raise _on_field(exc, "contractId" if exc.code == "contract_not_active" else "plannedKg") from exc
    except IntegrityError as exc:  # two random numbers met (1 in 10^8 a day): ask for a retry
        raise Conflict("order_no_collision", "单号冲突，请重试", "Order number collision, please retry") from exc
    for order in orders:
        await audit.record(session, actor=actor.actor, action="order.issued", entity="pickup_order",
                           entity_id=order.id, after=audit.snapshot(order))
    return await views.outs(session, orders)
