"""The documents of a traced chain, read in batches over the found orders (one query per kind):
the contract, the order, its tickets (with their evidence status), its waybill (with the track's
summary and a link to the actor's own track view, which reads the track as an audited read), the
receipt, the assays, the settlement lines and their payments, the invoice lines and theirs."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import china_time
from backend.domain.identity.schemas import Principal
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import AS_REGULATOR, Parties, Standing
from backend.domain.reconcile import sources as s
from backend.domain.reconcile.models import ChainStatus
from backend.domain.reconcile.schemas import TraceDoc
from backend.domain.reconcile.views import row_out


def parties_of(row: Any) -> Parties:
    return Parties(
        region_code=row.region_code,
        seller_org_id=row.seller_org_id,
        buyer_org_id=row.buyer_org_id,
        carrier_org_id=row.carrier_org_id,
        driver_user_id=row.driver_user_id,
    )


def _track_link(actor: Principal, order: Any, waybill_no: str) -> str | None:
    """The existing track view the actor may open (each reads the track as an audited read)."""
    if parties.may_see(actor, parties_of(order), reading_as=AS_REGULATOR) and actor.regulator_scopes:
        return f"/regulator/waybills/{waybill_no}"
    if parties.may_see(actor, parties_of(order), reading_as=frozenset({Standing.SELLER})):
        return f"/mine/waybills/{waybill_no}"
    if parties.may_see(actor, parties_of(order), reading_as=frozenset({Standing.DRIVER})):
        return f"/driver/waybills/{waybill_no}"
    return None


class Docs:
    def __init__(self, actor: Principal) -> None:
        self.actor = actor
        self.contracts: dict[uuid.UUID, TraceDoc] = {}
        self.contract_nos: dict[uuid.UUID, str] = {}
        self.by_order: dict[uuid.UUID, list[TraceDoc]] = defaultdict(list)
        self.status: dict[uuid.UUID, Any] = {}

    def chain(self, order: Any) -> list[TraceDoc]:
        head = [self.contracts[order.contract_id]] if order.contract_id in self.contracts else []
        own = TraceDoc(
            kind="order",
            number=order.order_no,
            state=order.status,
            at=order.valid_from,
            facts={"plannedKg": order.planned_kg, "plate": order.plate, "closedAt": _iso(order.closed_at)},
        )
        return head + [own] + self.by_order.get(order.id, [])


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


async def documents(session: AsyncSession, actor: Principal, orders: list[Any]) -> Docs:
    d = Docs(actor)
    ids = [r.id for r in orders]
    by_id = {r.id: r for r in orders}
    c = s.contracts
    for r in (await session.execute(select(c).where(c.c.id.in_({r.contract_id for r in orders})))).all():
        d.contract_nos[r.id] = r.contract_no
        d.contracts[r.id] = TraceDoc(
            kind="contract",
            number=r.contract_no,
            state=r.status,
            at=None,
            facts={
                "priceFenPerT": r.price_fen_per_t,
                "quantityKg": r.quantity_kg,
                "validFrom": _iso(r.valid_from),
                "validUntil": _iso(r.valid_until),
            },
        )
    t = s.tickets
    tickets = list(
        (await session.execute(select(t).where(t.c.order_id.in_(ids)).order_by(t.c.issued_at))).all()
    )
    for r in tickets:
        d.by_order[r.order_id].append(
            TraceDoc(
                kind="ticket",
                number=r.ticket_no,
                state=r.status,
                at=r.gross_at,
                facts={
                    "netKg": r.net_kg,
                    "plate": r.plate,
                    "evidenceSeq": r.evidence_seq,
                    "onEvidenceChain": r.evidence_seq is not None,
                    "voidReason": r.void_reason or None,
                },
            )
        )
    w = s.waybills
    waybills = (await session.execute(select(w).where(w.c.order_id.in_(ids)))).all()
    for r in waybills:
        d.by_order[r.order_id].append(
            TraceDoc(
                kind="waybill",
                number=r.waybill_no,
                state=r.status,
                at=r.departed_at,
                facts={
                    "arrivedAt": _iso(r.arrived_at),
                    "distanceM": r.distance_m,
                    "durationS": r.duration_s,
                    "destination": r.destination_name,
                },
                link=_track_link(actor, by_id[r.order_id], r.waybill_no),
            )
        )
        if r.received_net_kg is not None:
            d.by_order[r.order_id].append(
                TraceDoc(
                    kind="receipt",
                    number=r.waybill_no,
                    state="received",
                    at=r.received_at,
                    facts={"receivedNetKg": r.received_net_kg},
                )
            )
    await _assays(session, d, orders, tickets)
    await _settlements(session, d, ids)
    await _invoices(session, d, ids)
    for row in (await session.execute(select(ChainStatus).where(ChainStatus.order_id.in_(ids)))).scalars():
        d.status[row.order_id] = row_out(row)
    return d


async def _assays(session: AsyncSession, d: Docs, orders: list[Any], tickets: list[Any]) -> None:
    a = s.assays
    ticket_order = {r.ticket_no: r.order_id for r in tickets}
    contract_ids = {r.contract_id for r in orders}
    rows = (
        await session.execute(
            select(a)
            .where(
                or_(
                    a.c.ticket_no.in_(list(ticket_order)),
                    (a.c.scope == "batch") & a.c.contract_id.in_(contract_ids),
                )
            )
            .order_by(a.c.tested_on)
        )
    ).all()
    days: dict[tuple[uuid.UUID, Any], list[uuid.UUID]] = defaultdict(list)
    order_contract = {r.id: r.contract_id for r in orders}
    for r in tickets:
        if r.status == "valid":
            days[(order_contract[r.order_id], china_time(r.gross_at).date())].append(r.order_id)
    for r in rows:
        facts = {
            "lab": r.lab,
            "scope": r.scope,
            "qnetArKcalPerKg": r.qnet_ar_kcal_per_kg,
            "mtBp": r.mt_bp,
            "adBp": r.ad_bp,
            "stDBp": r.st_d_bp,
            "testedOn": _iso(r.tested_on),
        }
        targets = (
            [ticket_order[r.ticket_no]]
            if r.scope == "load" and r.ticket_no in ticket_order
            else days.get((r.contract_id, r.batch_date), [])
        )
        for order_id in targets:
            d.by_order[order_id].append(
                TraceDoc(kind="assay", number=r.report_no, state=r.lab, at=None, facts=facts)
            )


async def _settlements(session: AsyncSession, d: Docs, ids: list[uuid.UUID]) -> None:
    sl, st, p = s.settlement_lines, s.settlements, s.payments
    rows = (
        await session.execute(
            select(
                sl.c.order_id,
                sl.c.settled_kg,
                sl.c.unit_price_fen_per_t,
                sl.c.amount_fen,
                sl.c.computed_unit_price_fen_per_t,
                sl.c.live,
                st.c.id,
                st.c.settlement_no,
                st.c.version,
                st.c.status,
                st.c.issued_at,
                st.c.evidence_seq,
            )
            .join(st, st.c.id == sl.c.settlement_id)
            .where(sl.c.order_id.in_(ids))
            .order_by(st.c.issued_at)
        )
    ).all()
    settlement_orders: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for r in rows:
        d.by_order[r.order_id].append(
            TraceDoc(
                kind="settlement",
                number=r.settlement_no,
                state=r.status,
                at=r.issued_at,
                facts={
                    "version": r.version,
                    "live": r.live,
                    "settledKg": r.settled_kg,
                    "unitPriceFenPerT": r.unit_price_fen_per_t,
                    "computedUnitPriceFenPerT": r.computed_unit_price_fen_per_t,
                    "amountFen": r.amount_fen,
                    "onEvidenceChain": r.evidence_seq is not None,
                },
            )
        )
        if r.live:
            settlement_orders[r.id].add(r.order_id)
    if settlement_orders:
        for r in (
            await session.execute(select(p).where(p.c.settlement_id.in_(list(settlement_orders))))
        ).all():
            for order_id in settlement_orders[r.settlement_id]:
                d.by_order[order_id].append(_payment_doc(r))


def _payment_doc(r: Any) -> TraceDoc:
    return TraceDoc(
        kind="payment",
        number=r.flow_no,
        state=r.status,
        at=r.paid_at,
        facts={
            "amountFen": r.amount_fen,
            "means": r.means,
            "settlementId": _str(r.settlement_id),
            "invoiceId": _str(r.invoice_id),
        },
    )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


async def _invoices(session: AsyncSession, d: Docs, ids: list[uuid.UUID]) -> None:
    il, inv, w, p = s.invoice_lines, s.invoices, s.waybills, s.payments
    rows = list(
        (
            await session.execute(
                select(
                    w.c.order_id,
                    il.c.line_no,
                    il.c.quantity_kg,
                    il.c.amount_fen,
                    il.c.status,
                    il.c.plate,
                    inv.c.id,
                    inv.c.invoice_no,
                    inv.c.issue_date,
                    inv.c.status.label("inv_status"),
                )
                .join(il, il.c.waybill_id == w.c.id)
                .join(inv, inv.c.id == il.c.invoice_id)
                .where(w.c.order_id.in_(ids))
            )
        ).all()
    )
    iw = s.invoice_waybills
    rows += (
        await session.execute(
            select(
                iw.c.order_id,
                il.c.line_no,
                iw.c.delivered_kg.label("quantity_kg"),
                il.c.amount_fen,
                il.c.status,
                il.c.plate,
                inv.c.id,
                inv.c.invoice_no,
                inv.c.issue_date,
                inv.c.status.label("inv_status"),
            )
            .join(il, il.c.id == iw.c.line_id)
            .join(inv, inv.c.id == il.c.invoice_id)
            .where(iw.c.order_id.in_(ids), or_(il.c.waybill_id.is_(None), il.c.waybill_id != iw.c.waybill_id))
        )
    ).all()
    invoice_orders: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for r in rows:
        d.by_order[r.order_id].append(
            TraceDoc(
                kind="invoice",
                number=r.invoice_no,
                state=r.status,
                at=None,
                facts={
                    "lineNo": r.line_no,
                    "quantityKg": r.quantity_kg,
                    "amountFen": r.amount_fen,
                    "plate": r.plate,
                    "issueDate": _iso(r.issue_date),
                    "invoiceStatus": r.inv_status,
                },
            )
        )
        invoice_orders[r.id].add(r.order_id)
    if invoice_orders:
        for r in (await session.execute(select(p).where(p.c.invoice_id.in_(list(invoice_orders))))).all():
            for order_id in invoice_orders[r.invoice_id]:
                d.by_order[order_id].append(_payment_doc(r))
