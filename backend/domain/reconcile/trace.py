"""The trace: any document's number opens its whole chain (issue 14 §7).

The number is looked up among contracts, pickup orders, weigh tickets, waybills, settlements,
transport invoices and payments' bank flow numbers; it maps to one order (an order, a ticket, a
waybill) or several (a contract, a settlement, an invoice, a payment). Each order's chain is
returned when the actor may see the order (the chain's one rule, parties.may_see): its trade
parties, regulators of its region and above, platform admins (not the driver: TRACE_READERS). Nothing visible answers 404, the same
as an unknown number. The documents are read in batches over the found orders (one query per
kind), never one order at a time.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.identity.schemas import Principal
from backend.domain.parties import service as parties
from backend.domain.parties.schemas import EVERY, Standing
from backend.domain.reconcile import errors, trace_docs
from backend.domain.reconcile import sources as s
from backend.domain.reconcile.schemas import TraceChain, TraceOut

# Who a chain is traced for: its trade parties (seller, buyer, carrier), regulators, platform admins.
# Not the driver: a chain carries prices, settlements and payments, which are the parties' business.
TRACE_READERS = EVERY - {Standing.DRIVER}
# A contract or a month's settlement names thousands of orders: the trace shows the latest ones.
MAX_CHAINS = 50


async def _ids(session: AsyncSession, query: Any) -> list[uuid.UUID]:
    return [r[0] for r in (await session.execute(query)).all() if r[0] is not None]


async def _orders_of(session: AsyncSession, number: str) -> tuple[str, list[uuid.UUID]]:
    """What the number names, and the orders it maps to (newest first, at most a page more than shown)."""
    o, cap = s.orders, MAX_CHAINS * 4
    newest = o.c.valid_from.desc()
    found = await _ids(session, select(o.c.id).where(o.c.order_no == number))
    if found:
        return "order", found
    found = await _ids(session, select(s.tickets.c.order_id).where(s.tickets.c.ticket_no == number))
    if found:
        return "ticket", found
    found = await _ids(session, select(s.waybills.c.order_id).where(s.waybills.c.waybill_no == number))
    if found:
        return "waybill", found
    lines = s.settlement_lines
    found = await _ids(
        session,
        select(lines.c.order_id)
        .distinct()
        .join(s.settlements, s.settlements.c.id == lines.c.settlement_id)
        .where(s.settlements.c.settlement_no == number)
        .limit(cap),
    )
    if found:
        return "settlement", found
    invoice_ids = select(s.invoices.c.id).where(s.invoices.c.invoice_no == number)
    found = await _ids(session, _invoice_orders(invoice_ids, cap))
    if found:
        return "invoice", found
    pays = s.payments
    paid = await session.execute(
        select(pays.c.settlement_id, pays.c.invoice_id).where(pays.c.flow_no == number)
    )
    settlement_ids, inv_ids = set(), set()
    for settlement_id, invoice_id in paid.all():
        settlement_ids.add(settlement_id)
        inv_ids.add(invoice_id)
    if settlement_ids or inv_ids:
        found = await _ids(
            session,
            select(lines.c.order_id)
            .distinct()
            .where(lines.c.settlement_id.in_([x for x in settlement_ids if x]), lines.c.live)
            .limit(cap),
        )
        found += await _ids(
            session,
            _invoice_orders(
                select(s.invoices.c.id).where(s.invoices.c.id.in_([x for x in inv_ids if x])), cap
            ),
        )
        return "payment", list(dict.fromkeys(found))
    found = await _ids(
        session,
        select(o.c.id)
        .join(s.contracts, s.contracts.c.id == o.c.contract_id)
        .where(s.contracts.c.contract_no == number)
        .order_by(newest)
        .limit(cap),
    )
    return ("contract", found) if found else ("", [])


def _invoice_orders(invoice_ids: Any, cap: int) -> Any:
    il, iw, w = s.invoice_lines, s.invoice_waybills, s.waybills
    listed = select(iw.c.order_id).where(iw.c.invoice_id.in_(invoice_ids))
    direct = select(w.c.order_id).join(il, il.c.waybill_id == w.c.id).where(il.c.invoice_id.in_(invoice_ids))
    return listed.union(direct).limit(cap)


async def trace(session: AsyncSession, *, actor: Principal, number: str) -> TraceOut:
    number = number.strip()
    if not 1 <= len(number) <= 64 or any(ord(ch) < 32 or ord(ch) == 127 for ch in number):
        raise errors.number_invalid()
    kind, order_ids = await _orders_of(session, number)
    if not order_ids:
        raise errors.chain_not_found()
    o = s.orders
    rows = (
        await session.execute(select(o).where(o.c.id.in_(order_ids)).order_by(o.c.valid_from.desc()))
    ).all()
    visible = [r for r in rows if parties.may_see(actor, trace_docs.parties_of(r), reading_as=TRACE_READERS)][:MAX_CHAINS]
    if not visible:
        raise errors.chain_not_found()
    docs = await trace_docs.documents(session, actor, visible)
    contract_no = docs.contract_nos.get(visible[0].contract_id, "")
    return TraceOut(
        number=number,
        kind=kind,
        contract_no=contract_no,
        chains=[
            TraceChain(order_no=r.order_no, docs=docs.chain(r), status=docs.status.get(r.id)) for r in visible
        ],
    )
