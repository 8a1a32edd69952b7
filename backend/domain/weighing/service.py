"""Reading weighings and tickets, the lanes' live state, supervisors' re-weigh overrides and the
public ticket check. The lane's own calls are in decide.py (identify) and submit.py (weighings)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.audit import service as audit
from backend.domain.evidence import service as evidence
from backend.domain.identity.schemas import SUPERVISORS, Principal
from backend.domain.identity.service import qr_svg
from backend.domain.orders import service as orders
from backend.domain.parties.schemas import EVERY, OWN_LOADS
from backend.domain.sites import service as sites
from backend.domain.weighing import errors, lanes, tickets
from backend.domain.weighing.access import can_read_ticket, can_watch_site, tickets_filter
from backend.domain.weighing.decide import identify
from backend.domain.weighing.keys import ticket_keys
from backend.domain.weighing.lanes import set_site_rules
from backend.domain.weighing.models import Weighing, WeighOverride, WeighTicket
from backend.domain.weighing.rules import SiteRules
from backend.domain.weighing.schemas import (
    LaneOut,
    OverrideCreate,
    OverrideOut,
    TicketLoad,
    TicketOut,
    TicketPage,
    TicketStatus,
    TicketVerifyOut,
    WeighingOut,
    WeighingPage,
)
from backend.domain.weighing.submit import submit
from backend.errors import forbidden
from backend.files import store

__all__ = ["LANE_STALE", "OVERRIDE_TTL", "SiteRules", "can_override", "create_override", "get_ticket", "identify",
    "list_tickets", "list_weighings", "order_tickets", "set_site_rules", "site_lanes", "submit", "ticket_keys",
    "ticket_loads", "ticket_out", "ticket_photo", "ticket_qr_svg", "valid_ticket", "valid_ticket_no", "verify_ticket"]


# An override is for the truck on the scale now, not a standing permission.
OVERRIDE_TTL = timedelta(hours=2)
# A lane that has not reported for this long is shown offline.
LANE_STALE = timedelta(seconds=30)


def ticket_out(t: WeighTicket) -> TicketOut:
    return TicketOut(
        id=t.id, ticket_no=t.ticket_no, status=t.status, order_id=t.order_id, order_no=t.order_no,
        contract_no=t.contract_no, plate=t.plate, seller_name=t.seller_name, buyer_name=t.buyer_name,
        carrier_name=t.carrier_name, site_name=t.site_name, product=t.product, tare_kg=t.tare_kg,
        gross_kg=t.gross_kg, net_kg=t.net_kg, tare_at=t.tare_at, gross_at=t.gross_at, tare_lane=t.tare_lane,
        gross_lane=t.gross_lane, tare_device=t.tare_device, gross_device=t.gross_device, photos=t.photos,
        anomalies=t.anomalies, evidence_seq=t.evidence_seq, issued_at=t.issued_at,
        verify_url=tickets.verify_path(t), void_reason=t.void_reason,
    )


def _weighing_out(w: Weighing) -> WeighingOut:
    return WeighingOut(id=w.id, order_id=w.order_id, kind=w.kind, plate=w.plate, plate_read=w.plate_read,
                       weight_kg=w.weight_kg, status=w.status, code=w.code, message_zh=w.message_zh,
                       message_en=w.message_en, weighed_at=w.weighed_at, received_at=w.received_at, offline=w.offline)


async def _ticket_page(session: AsyncSession, where: list[ColumnElement[bool]], offset: int, limit: int) -> TicketPage:
    total = (await session.execute(select(func.count()).select_from(WeighTicket).where(*where))).scalar_one()
    rows = (await session.execute(select(WeighTicket).where(*where).order_by(WeighTicket.issued_at.desc())
                                  .offset(offset).limit(limit))).scalars().all()
    return TicketPage(total=total, offset=offset, limit=limit, items=[ticket_out(t) for t in rows])


async def list_tickets(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID | None = None,
                       since: datetime | None = None, mine_only: bool = False, offset: int = 0,
                       limit: int = 50) -> TicketPage:
    """Tickets the actor may read; `mine_only`: those of the actor's own loads as a driver."""
    where = [tickets_filter(actor, reading_as=OWN_LOADS if mine_only else EVERY)]
    if site_id is not None:
        # A site's list is for those who watch the site (its organisation's staff, its regulators):
        # for anyone else the site is "not found", never an empty list that confirms it exists.
        await _watched_site(session, actor, site_id)
        where.append(WeighTicket.site_id == site_id)
    if since is not None:
        where.append(WeighTicket.issued_at >= since)
    return await _ticket_page(session, where, offset, limit)


async def get_ticket(session: AsyncSession, *, actor: Principal, ticket_no: str) -> TicketOut:
    t = (await session.execute(select(WeighTicket).where(WeighTicket.ticket_no == ticket_no))).scalars().first()
    if t is None or not can_read_ticket(actor, t):
        raise errors.ticket_not_found()
    return ticket_out(t)


async def order_tickets(session: AsyncSession, *, actor: Principal, order_id: uuid.UUID) -> list[TicketOut]:
    """The tickets of one order the actor may read: the valid one first, then any a re-weigh voided."""
    rows = (await session.execute(select(WeighTicket).where(WeighTicket.order_id == order_id, tickets_filter(actor))
                                  .order_by(WeighTicket.issued_at.desc()))).scalars().all()
    return sorted((ticket_out(t) for t in rows), key=lambda t: t.status != TicketStatus.VALID)


async def valid_ticket_no(session: AsyncSession, *, order_id: uuid.UUID) -> str | None:
    """The number of the order's standing (valid) ticket, for waybills (no access check: the caller
    has decided who asks)."""
    return (await session.execute(select(WeighTicket.ticket_no).where(
        WeighTicket.order_id == order_id, WeighTicket.status == TicketStatus.VALID))).scalars().first()


async def valid_ticket(session: AsyncSession, *, order_id: uuid.UUID) -> TicketOut | None:
    """The order's standing (valid) ticket, for a consignee's receipt to be held against (no access
    check: the caller has decided who asks)."""
    ticket = (await session.execute(select(WeighTicket).where(
        WeighTicket.order_id == order_id, WeighTicket.status == TicketStatus.VALID))).scalars().first()
    return None if ticket is None else ticket_out(ticket)


async def ticket_loads(
    session: AsyncSession, *, ticket_nos: Sequence[str] | None = None, contract_id: uuid.UUID | None = None,
    gross_from: datetime | None = None, gross_to: datetime | None = None, valid_only: bool = False,
) -> list[TicketLoad]:
    """Tickets as loads to settle, by number and/or by contract and gross-weighing time [from, to)
    (no access check: the caller has decided who asks), oldest first."""
    query = select(WeighTicket)
    if ticket_nos is not None:
        query = query.where(WeighTicket.ticket_no.in_(list(ticket_nos)))
    if contract_id is not None:
        query = query.where(WeighTicket.contract_id == contract_id)
    if gross_from is not None:
        query = query.where(WeighTicket.gross_at >= gross_from)
    if gross_to is not None:
        query = query.where(WeighTicket.gross_at < gross_to)
    if valid_only:
        query = query.where(WeighTicket.status == TicketStatus.VALID)
    rows = (await session.execute(query.order_by(WeighTicket.gross_at, WeighTicket.ticket_no))).scalars()
    return [TicketLoad(id=t.id, ticket_no=t.ticket_no, status=t.status, order_id=t.order_id, order_no=t.order_no,
                       contract_id=t.contract_id, plate=t.plate, net_kg=t.net_kg, gross_at=t.gross_at) for t in rows]


async def ticket_photo(session: AsyncSession, *, ctx: Context, actor: Principal, ticket_no: str, sha256: str) -> str:
    """The stored file of a photo on a ticket the actor may read. Another ticket's photo, a ticket
    the actor may not read and a file no longer stored are all the same not-found."""
    ticket = await get_ticket(session, actor=actor, ticket_no=ticket_no)
    if not any(p.get("sha256") == sha256 for p in ticket.photos):
        raise errors.photo_not_found()
    files = store(ctx.settings)
    if not await asyncio.to_thread(files.exists, sha256):
        raise errors.photo_not_found()
    return str(files.path(sha256))


async def can_override(session: AsyncSession, *, actor: Principal, order_id: uuid.UUID) -> bool:
    """Whether `create_override` would let the actor allow a re-weigh of this order (its seller's supervisor)."""
    brief = await orders.order_brief(session, order_id=order_id)
    return brief is not None and actor.is_member(brief.seller_org_id, SUPERVISORS)


def ticket_qr_svg(ctx: Context, ticket: TicketOut) -> str:
    return qr_svg(ctx.settings.public_url.rstrip("/") + ticket.verify_url)


async def _watched_site(session: AsyncSession, actor: Principal, site_id: uuid.UUID) -> None:
    site = await sites.site_brief(session, site_id=site_id)
    if site is None or not can_watch_site(actor, org_id=site.org_id, region_code=site.region_code):
        raise errors.NotFound("场区", "site", field="siteId")


async def list_weighings(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID, status: str | None = None,
                         since: datetime | None = None, offset: int = 0, limit: int = 50) -> WeighingPage:
    await _watched_site(session, actor, site_id)
    where = [Weighing.site_id == site_id]
    if status is not None:
        where.append(Weighing.status == status)
    if since is not None:
        where.append(Weighing.received_at >= since)
    total = (await session.execute(select(func.count()).select_from(Weighing).where(*where))).scalar_one()
    rows = (await session.execute(select(Weighing).where(*where).order_by(Weighing.received_at.desc())
                                  .offset(offset).limit(limit))).scalars().all()
    numbers = await orders.order_numbers(session, order_ids={w.order_id for w in rows if w.order_id})
    items = [msgspec.structs.replace(_weighing_out(w), order_no=numbers.get(w.order_id) if w.order_id else None)
             for w in rows]
    return WeighingPage(total=total, offset=offset, limit=limit, items=items)


async def site_lanes(session: AsyncSession, *, actor: Principal, site_id: uuid.UUID) -> list[LaneOut]:
    await _watched_site(session, actor, site_id)
    now = utcnow()
    out = []
    for lane in await sites.lanes_live(session, site_id=site_id, device_kind=lanes.LANE_DEVICE_KIND):
        status = lane.status or {}
        fresh = lane.last_seen_at is not None and now - lane.last_seen_at < LANE_STALE
        weight = status.get("weightKg")
        out.append(LaneOut(
            lane_id=lane.lane_id, name=lane.name, direction=lane.direction, has_weighbridge=lane.has_weighbridge,
            device_code=lane.device_code, last_seen_at=lane.last_seen_at, online=fresh and status.get("online", True),
            state=str(status.get("state", "unknown")) if fresh else "offline",
            plate=status.get("plate") or None, weight_kg=weight if isinstance(weight, int) else None,
            message=str(status.get("message", ""))[:200], outbox=int(status.get("outbox", 0) or 0)))
    return out


async def create_override(session: AsyncSession, *, actor: Principal, data: OverrideCreate) -> OverrideOut:
    """复磅授权: the seller's supervisor allows one more weighing of a kind the order already has."""
    order = (await orders.get_order(session, actor=actor, order_id=data.order_id)).order
    brief = await orders.order_brief(session, order_id=order.id)
    assert brief is not None
    if not actor.is_member(brief.seller_org_id, SUPERVISORS):
        raise forbidden()
    if data.kind not in await lanes.standing(session, order_id=order.id):
        raise errors.override_not_needed()
    now = utcnow()
    o = WeighOverride(order_id=order.id, kind=data.kind, reason=data.reason, by_user_id=actor.user_id,
                      by_label=actor.actor.label[:100], created_at=now, valid_until=now + OVERRIDE_TTL)
    session.add(o)
    await session.flush()
    await audit.record(session, actor=actor.actor, action="weighing.override", entity="pickup_order",
                       entity_id=order.id, before=None, after={"kind": data.kind, "reason": data.reason})
    return OverrideOut(id=o.id, order_id=o.order_id, kind=o.kind, reason=o.reason, by_label=o.by_label,
                       created_at=o.created_at, valid_until=o.valid_until, used=False)


async def verify_ticket(session: AsyncSession, *, ctx: Context, ticket_no: str, code: str) -> TicketVerifyOut:
    """The public check behind the ticket's QR: anyone holding the ticket (a buyer's gate, a tax
    officer) sees the recorded ticket and whether its record and evidence still hold."""
    t = (await session.execute(select(WeighTicket).where(WeighTicket.ticket_no == ticket_no))).scalars().first()
    if t is None or t.verify_code != code:
        return TicketVerifyOut(valid=False, code="ticket_unknown", message_zh="查无此磅单（编号或校验码不符）",
                               message_en="No such ticket (number or check code wrong)", ticket=None)
    report = await evidence.verify_entry(session, settings=ctx.settings, kind=tickets.KIND, ref=str(t.id),
                                         resolvers={tickets.KIND: tickets.ticket_payload})
    out = ticket_out(t)
    if report is None or not report.ok:
        zh, en = (report.message_zh, report.message_en) if report else ("磅单没有存证记录", "The ticket has no evidence entry")
        return TicketVerifyOut(valid=False, code=(report.reason if report else None) or "evidence_missing",
                               message_zh=zh, message_en=en, ticket=out, evidence_seq=t.evidence_seq)
    if t.status == TicketStatus.VOID:
        return TicketVerifyOut(valid=False, code="ticket_void", message_zh=f"磅单已作废：{t.void_reason}",
                               message_en=f"The ticket is void: {t.void_reason}", ticket=out, evidence_seq=t.evidence_seq)
    entry = await evidence.entry_for(session, kind=tickets.KIND, ref=str(t.id))
    return TicketVerifyOut(valid=True, code="ok", message_zh="磅单真实有效，存证校验通过",
                           message_en="Genuine: the ticket matches its evidence entry", ticket=out,
                           evidence_seq=t.evidence_seq, evidence_hash=entry.hash if entry else None,
                           evidence_at=entry.at if entry else None)
