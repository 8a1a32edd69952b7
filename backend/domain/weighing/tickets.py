"""E-weigh tickets (电子磅单): issued in the gross weighing's transaction together with the
contract's execution, the order's completion and the ticket's evidence entry — all or nothing.

The evidence payload is the ticket as a legal record (`ticket_payload`): everything printed on it,
nothing that may change later (status, evidence seq). Voiding a ticket (a supervised re-weigh
replaced it) is its own evidence entry, so the original entry keeps verifying.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.contracts import service as contracts
from backend.domain.evidence import service as evidence
from backend.domain.machines.schemas import MachineCaller
from backend.domain.notices import service as notices
from backend.domain.orders import service as orders
from backend.domain.orders.schemas import OrderBrief
from backend.domain.organisations import service as organisations
from backend.domain.sites import service as sites
from backend.domain.weighing import rules
from backend.domain.weighing.events import TicketIssued
from backend.domain.weighing.models import Weighing, WeighTicket
from backend.domain.weighing.schemas import TicketStatus
from backend.events import announce

KIND = "weigh_ticket"
VOID_KIND = "weigh_ticket_void"


@dataclass(frozen=True, slots=True)
class Issued:
    ticket_no: str
    net_kg: int
    verify_url: str


def verify_path(ticket: WeighTicket) -> str:
    return f"/verify/{ticket.ticket_no}?c={ticket.verify_code}"


def _iso(value: datetime) -> str:
    # Always in UTC: the resolver rebuilds this payload from the row, which reads back in UTC.
    return value.astimezone(UTC).isoformat()


def payload(t: WeighTicket) -> dict[str, Any]:
    return {
        "ticketNo": t.ticket_no, "orderNo": t.order_no, "contractNo": t.contract_no, "plate": t.plate,
        "seller": t.seller_name, "buyer": t.buyer_name, "carrier": t.carrier_name, "site": t.site_name,
        "product": t.product, "tareKg": t.tare_kg, "grossKg": t.gross_kg, "netKg": t.net_kg,
        "tareAt": _iso(t.tare_at), "grossAt": _iso(t.gross_at), "tareLane": t.tare_lane, "grossLane": t.gross_lane,
        "tareDevice": t.tare_device, "grossDevice": t.gross_device, "photos": t.photos, "anomalies": t.anomalies,
        "tareWeighingId": str(t.tare_weighing_id), "grossWeighingId": str(t.gross_weighing_id),
        "issuedAt": _iso(t.issued_at),
    }


async def ticket_payload(session: AsyncSession, ref: str) -> Mapping[str, Any] | None:
    """The evidence resolver: the ticket row as it reads now."""
    try:
        ticket = await session.get(WeighTicket, uuid.UUID(ref), populate_existing=True)
    except ValueError:
        return None
    return None if ticket is None else payload(ticket)


def _void_payload(t: WeighTicket) -> dict[str, Any]:
    return {"ticketNo": t.ticket_no, "reason": t.void_reason}


async def void_payload(session: AsyncSession, ref: str) -> Mapping[str, Any] | None:
    try:
        ticket = await session.get(WeighTicket, uuid.UUID(ref), populate_existing=True)
    except ValueError:
        return None
    return None if ticket is None or ticket.status != TicketStatus.VOID else _void_payload(ticket)


async def _anomalies(session: AsyncSession, order_id: uuid.UUID) -> list[dict[str, Any]]:
    """The order's refused weighings: a ticket shows what went wrong on the way to it."""
    rows = (await session.execute(select(Weighing).where(Weighing.order_id == order_id, Weighing.status == "refused")
                                  .order_by(Weighing.weighed_at))).scalars().all()
    return [{"code": w.code, "zh": w.message_zh, "en": w.message_en, "at": _iso(w.weighed_at)} for w in rows]


async def _void_previous(session: AsyncSession, *, ctx: Context, order_id: uuid.UUID, by: str) -> WeighTicket | None:
    old = (await session.execute(select(WeighTicket).where(WeighTicket.order_id == order_id,
                                                           WeighTicket.status == TicketStatus.VALID))).scalars().first()
    if old is None:
        return None
    old.status, old.void_reason = TicketStatus.VOID.value, f"复磅，由 {by} 取代 (re-weighed, replaced by {by})"
    await session.flush()
    await evidence.append(session, settings=ctx.settings, kind=VOID_KIND, ref=str(old.id), payload=_void_payload(old))
    return old


async def issue(session: AsyncSession, *, ctx: Context, machine: MachineCaller, order: OrderBrief, tare: Weighing,
                gross: Weighing) -> Issued:
    now = utcnow()
    number = rules.ticket_no(now)
    old = await _void_previous(session, ctx=ctx, order_id=order.id, by=number)
    names = await organisations.org_names(session, org_ids={order.seller_org_id, order.buyer_org_id}
                                          | ({order.carrier_org_id} if order.carrier_org_id else set()))
    contract_no = (await contracts.contract_numbers(session, contract_ids={order.contract_id}))[order.contract_id]
    site_name = (await sites.site_names(session, site_ids={order.site_id}))[order.site_id]
    photos = [{"kind": w.kind, **p} for w in (tare, gross) for p in w.pictures]
    ticket = WeighTicket(
        ticket_no=number, verify_code=rules.verify_code(), order_id=order.id, order_no=order.order_no,
        contract_id=order.contract_id, contract_no=contract_no, seller_org_id=order.seller_org_id,
        buyer_org_id=order.buyer_org_id, carrier_org_id=order.carrier_org_id, seller_name=names[order.seller_org_id],
        buyer_name=names[order.buyer_org_id], carrier_name=names.get(order.carrier_org_id) if order.carrier_org_id else None,
        driver_user_id=order.driver_user_id, region_code=order.region_code, site_id=order.site_id, site_name=site_name,
        plate=order.plate or "", product=order.product, tare_weighing_id=tare.id, gross_weighing_id=gross.id,
        tare_kg=tare.weight_kg, gross_kg=gross.weight_kg, net_kg=gross.weight_kg - tare.weight_kg,
        tare_at=tare.weighed_at, gross_at=gross.weighed_at, tare_lane=tare.lane_name, gross_lane=gross.lane_name,
        tare_device=tare.device_code, gross_device=gross.device_code, photos=photos,
        anomalies=await _anomalies(session, order.id), issued_at=now,
    )
    session.add(ticket)
    await session.flush()
    if old is None:
        await contracts.execute(session, contract_id=order.contract_id, reserved_kg=order.planned_kg,
                                actual_kg=ticket.net_kg, ref=number)
        await orders.complete(session, actor=orders.machine_actor(machine), order_id=order.id,
                                  ticket_no=number, at=gross.weighed_at)
    else:
        await contracts.correct_execution(session, contract_id=order.contract_id, from_kg=old.net_kg,
                                          to_kg=ticket.net_kg, ref=number)
    if order.driver_user_id is not None:
        await notices.enqueue(
            session, user_id=order.driver_user_id, kind="weigh_ticket", title_zh="电子磅单已出具",
            title_en="E-weigh ticket issued",
            body_zh=f"磅单 {number}：{ticket.plate} 净重 {ticket.net_kg / 1000:.2f} 吨（提煤单 {order.order_no}）",
            body_en=f"Ticket {number}: {ticket.plate} net {ticket.net_kg / 1000:.2f} t (order {order.order_no})",
            data={"ticketNo": number, "orderId": str(order.id)})
    # Last: from here to the commit this transaction holds the evidence chain's write lock.
    entry = await evidence.append(session, settings=ctx.settings, kind=KIND, ref=str(ticket.id), payload=payload(ticket))
    ticket.evidence_seq = entry.seq
    await session.flush()
    await announce(session, TicketIssued(ticket_no=number, order_id=order.id, site_id=order.site_id,
                                         net_kg=ticket.net_kg, issued_at=now, replaces=old.ticket_no if old else None))
    return Issued(ticket_no=number, net_kg=ticket.net_kg, verify_url=verify_path(ticket))
