"""The chain status of a set of pickup orders, recomputed in ONE statement.

INSERT INTO chain_status SELECT … FROM pickup_orders JOIN contracts LEFT JOIN (the valid ticket, the
waybill, the price terms in force, the live settlement line and its settlement's payments, the
waybill's invoice lines and their invoices' payments) WHERE <the set> ON CONFLICT (order_id) DO UPDATE.
The same statement serves one order (an event), a contract, a period, or a month of a city (the
sweep and bench/reconcile.py): no row is read into Python. Quantities compare as integers
(kg × 10000 against kg × bp), so no rounding enters a finding.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import type_coerce

from backend.db.base import JsonDoc
from backend.domain.orders.schemas import OPEN_STATUSES, OrderStatus
from backend.domain.reconcile import sources as s
from backend.domain.reconcile.models import ChainStatus
from backend.domain.reconcile.rules import (
    DEFAULT_ALLOWED_LOSS_BP,
    DEFAULT_PAYMENT_DUE_DAYS,
    WAYBILL_OPEN_HOURS,
)
from backend.domain.reconcile.schemas import LinkState
from backend.domain.reconcile.sqlfn import Dialect
from backend.domain.waybills.schemas import WaybillStatus
from backend.domain.weighing.schemas import TicketStatus

P, M, X, W = (
    literal(v.value, String)
    for v in (LinkState.PRESENT, LinkState.MISSING, LinkState.MISMATCH, LinkState.PENDING)
)


def _terms(d: Dialect, today: Any) -> Any:
    """Per contract, the terms of its latest version in force today."""
    pt = s.price_terms
    latest = (
        select(pt.c.contract_id, func.max(pt.c.version).label("version"))
        .where(pt.c.effective_from <= today)
        .group_by(pt.c.contract_id)
        .subquery("terms_latest")
    )
    return (
        select(pt.c.contract_id, pt.c.allowed_loss_bp, pt.c.payment_due_days, pt.c.quantity_basis)
        .join(latest, and_(latest.c.contract_id == pt.c.contract_id, latest.c.version == pt.c.version))
        .subquery("terms")
    )


def _scope_orders(scope: Any) -> Any:
    return select(scope.c.order_id)


def _scope_waybills(scope: Any) -> Any:
    w = s.waybills.alias("scope_waybills")
    return select(w.c.id).where(w.c.order_id.in_(_scope_orders(scope)))


def _within(scope: Any, condition: Callable[[], ColumnElement[bool]]) -> ColumnElement[bool]:
    """`condition` for a narrowed recomputation; none for a period (whole-table aggregates are the
    right plan when the set is most of the tables)."""
    return true() if scope is None else condition()


def _settlement_payments(scope: Any) -> Any:
    """Per settlement of the set's loads: what was paid against it, and how many payments came from
    someone other than its buyer (the contract's buyer: the settlement carries the contract's parties)."""
    p, st = s.payments, s.settlements
    lines = s.settlement_lines.alias("scope_lines")

    def ours() -> Any:
        return select(lines.c.settlement_id).where(
            lines.c.order_id.in_(_scope_orders(scope)), lines.c.live == true()
        )

    return (
        select(
            p.c.settlement_id,
            func.sum(p.c.amount_fen).label("paid_fen"),
            func.count().label("n"),
            func.sum(
                case((or_(p.c.payer_org_id.is_(None), p.c.payer_org_id != st.c.buyer_org_id), 1), else_=0)
            ).label("foreign_payers"),
        )
        .join(st, st.c.id == p.c.settlement_id)
        .where(_within(scope, lambda: p.c.settlement_id.in_(ours())))
        .group_by(p.c.settlement_id)
        .subquery("spay")
    )


def _invoice_links(scope: Any) -> Any:
    """(waybill, line, invoice, kg) for every waybill an invoice line bills: through the line's
    waybill list (transport_invoice_waybills), else the line's own waybill (a line refused as a
    second billing keeps its waybill there, and no list row)."""
    il, iw = s.invoice_lines, s.invoice_waybills
    listed = select(iw.c.waybill_id, iw.c.line_id, iw.c.delivered_kg.label("kg")).where(
        _within(scope, lambda: iw.c.waybill_id.in_(_scope_waybills(scope)))
    )
    unlisted = select(il.c.waybill_id, il.c.id.label("line_id"), il.c.quantity_kg.label("kg")).where(
        il.c.waybill_id.is_not(None),
        _within(scope, lambda: il.c.waybill_id.in_(_scope_waybills(scope))),
        ~select(iw.c.line_id).where(iw.c.line_id == il.c.id, iw.c.waybill_id == il.c.waybill_id).exists(),
    )
    return union_all(listed, unlisted).subquery("ilinks")


def _invoice_lines(scope: Any) -> Any:
    """Per waybill: its invoiced tonnage and freight (a line billing several waybills shares its
    amount by their kg), its suspect lines, lines whose invoice names other parties than the load's
    (the carrier invoices; the seller or the buyer pays), and the share of the invoices' payments that
    falls on it (pro rata of the amount)."""
    il, inv, w, p = s.invoice_lines, s.invoices, s.waybills, s.payments
    links = _invoice_links(scope)
    scope_lines = s.invoice_lines.alias("scope_invoice_lines")

    def ours() -> Any:
        return select(scope_lines.c.invoice_id).where(scope_lines.c.waybill_id.in_(_scope_waybills(scope)))

    ipay = (
        select(p.c.invoice_id, func.sum(p.c.amount_fen).label("paid_fen"), func.count().label("n"))
        .where(p.c.invoice_id.is_not(None), _within(scope, lambda: p.c.invoice_id.in_(ours())))
        .group_by(p.c.invoice_id)
        .subquery("ipay")
    )
    differ = or_(
        and_(
            inv.c.seller_org_id.is_not(None),
            w.c.carrier_org_id.is_not(None),
            inv.c.seller_org_id != w.c.carrier_org_id,
        ),
        and_(
            inv.c.buyer_org_id.is_not(None),
            inv.c.buyer_org_id != w.c.seller_org_id,
            inv.c.buyer_org_id != w.c.buyer_org_id,
        ),
    )
    fen = case(
        (il.c.quantity_kg > 0, cast(il.c.amount_fen, BigInteger) * links.c.kg // il.c.quantity_kg),
        else_=il.c.amount_fen,
    )
    paid = case(
        (inv.c.amount_fen > 0, cast(func.coalesce(ipay.c.paid_fen, 0), BigInteger) * fen // inv.c.amount_fen),
        else_=0,
    )
    return (
        select(
            links.c.waybill_id,
            func.sum(links.c.kg).label("kg"),
            func.sum(fen).label("fen"),
            func.sum(case((il.c.status != "matched", 1), else_=0)).label("suspect"),
            func.sum(case((differ, 1), else_=0)).label("differ"),
            func.sum(func.coalesce(ipay.c.n, 0)).label("payments"),
            func.sum(paid).label("paid_fen"),
        )
        .select_from(links)
        .join(il, il.c.id == links.c.line_id)
        .join(inv, inv.c.id == il.c.invoice_id)
        .join(w, w.c.id == links.c.waybill_id)
        .outerjoin(ipay, ipay.c.invoice_id == il.c.invoice_id)
        .group_by(links.c.waybill_id)
        .subquery("ilines")
    )


def _reason(cond: ColumnElement[bool], code: str) -> ColumnElement[str]:
    return case((cond, literal(f',"{code}"', String)), else_=literal("", String))


def statement(dialect_name: str, *, where: ColumnElement[bool], now: datetime, narrow: bool = True) -> Any:
    """The upsert of the chain rows of the orders `where` selects (over pickup_orders, tickets, …).

    `narrow` (a few orders: an event, a contract): the set is one CTE and every aggregate reads only
    its documents, so one order costs a few index lookups. A period (most of the tables: the sweep,
    the bench's month) is not narrowed: whole-table hash aggregates are its best plan."""
    d = Dialect(dialect_name)
    today = (now + timedelta(hours=8)).date()
    o, c, t, w, sl, st = s.orders, s.contracts, s.tickets, s.waybills, s.settlement_lines, s.settlements
    valid = and_(s.tickets.c.order_id == s.orders.c.id, s.tickets.c.status == TicketStatus.VALID.value)
    scope = (
        select(s.orders.c.id.label("order_id"))
        .select_from(s.orders.outerjoin(s.tickets, valid))
        .where(where)
        .cte("scope")
        if narrow
        else None
    )
    terms, spay, ilines = _terms(d, today), _settlement_payments(scope), _invoice_lines(scope)

    has_ticket = t.c.id.is_not(None)
    order_open = o.c.status.in_([x.value for x in OPEN_STATUSES])
    day = func.coalesce(d.local_day(t.c.gross_at), d.local_day(o.c.valid_from))
    net = func.coalesce(t.c.net_kg, 0)
    allowed_bp = func.coalesce(terms.c.allowed_loss_bp, DEFAULT_ALLOWED_LOSS_BP)
    due_days = func.coalesce(terms.c.payment_due_days, DEFAULT_PAYMENT_DUE_DAYS)
    stale = now - timedelta(hours=WAYBILL_OPEN_HOURS)

    has_waybill = and_(w.c.id.is_not(None), w.c.status != WaybillStatus.CANCELLED.value)
    without_arrival = and_(has_waybill, w.c.status == WaybillStatus.OPEN.value, w.c.departed_at < stale)
    waybill_missing = and_(has_ticket, not_(has_waybill), t.c.gross_at < stale)
    # (net − received) / net > allowed_bp / 10000, in integers.
    short = and_(
        has_waybill, w.c.received_net_kg.is_not(None), (net - w.c.received_net_kg) * 10000 > net * allowed_bp
    )
    settled = sl.c.id.is_not(None)
    basis_kg = case(
        (and_(terms.c.quantity_basis == "buyer_gate", w.c.received_net_kg.is_not(None)), w.c.received_net_kg),
        else_=net,
    )
    qty_differs = and_(settled, or_(sl.c.net_kg != net, sl.c.settled_kg > basis_kg))
    price_above = and_(settled, sl.c.unit_price_fen_per_t > sl.c.computed_unit_price_fen_per_t)
    # Overdue: the first day after the ticket's month lies more than due_days before today, i.e. the
    # ticket's month comes before the month of (today − due_days − 1).
    overdue = and_(
        has_ticket,
        not_(settled),
        d.month_key(d.local_day(t.c.gross_at)) < d.month_key(d.day_minus(today, due_days + 1)),
    )
    invoiced = ilines.c.waybill_id.is_not(None)
    invoice_suspect = and_(invoiced, ilines.c.suspect > 0)
    invoice_differ = and_(invoiced, ilines.c.differ > 0)
    payer_differs = and_(settled, func.coalesce(spay.c.foreign_payers, 0) > 0)
    parties_differ = or_(invoice_differ, payer_differs)
    paid_n = func.coalesce(spay.c.n, 0) + func.coalesce(ilines.c.payments, 0)
    ticket_missing = and_(not_(has_ticket), o.c.status == OrderStatus.COMPLETED.value)

    reasons = (
        _reason(ticket_missing, "ticket_missing")
        + _reason(waybill_missing, "waybill_missing")
        + _reason(without_arrival, "waybill_without_arrival")
        + _reason(short, "short_weight")
        + _reason(qty_differs, "settled_qty_differs")
        + _reason(price_above, "price_above_contract")
        + _reason(overdue, "settlement_overdue")
        + _reason(invoice_suspect, "invoice_suspect")
        + _reason(parties_differ, "parties_differ")
    )

    ticket_state = case((has_ticket, P), (order_open, W), else_=M)
    waybill_state = case(
        (not_(has_ticket), W),
        (or_(without_arrival, short), X),
        (has_waybill, P),
        (waybill_missing, M),
        else_=W,
    )
    settlement_state = case(
        (not_(has_ticket), W), (or_(qty_differs, price_above), X), (settled, P), (overdue, M), else_=W
    )
    arrived = w.c.status.in_([WaybillStatus.ARRIVED.value, WaybillStatus.RECEIVED.value])
    invoice_state = case(
        (not_(has_waybill), W),
        (or_(invoice_suspect, invoice_differ), X),
        (invoiced, P),
        (arrived, M),
        else_=W,
    )
    payment_state = case((payer_differs, X), (paid_n > 0, P), (or_(settled, invoiced), M), else_=W)
    settlement_share = case(
        (
            st.c.amount_fen > 0,
            cast(func.coalesce(spay.c.paid_fen, 0), BigInteger) * sl.c.amount_fen // st.c.amount_fen,
        ),
        else_=0,
    )

    columns: dict[str, Any] = {
        "order_id": o.c.id,
        "order_no": o.c.order_no,
        "contract_id": o.c.contract_id,
        "contract_no": c.c.contract_no,
        "seller_org_id": o.c.seller_org_id,
        "buyer_org_id": o.c.buyer_org_id,
        "carrier_org_id": o.c.carrier_org_id,
        "region_code": o.c.region_code,
        "day": day,
        "ordered_kg": o.c.planned_kg,
        "loaded_kg": net,
        "delivered_kg": case((has_waybill, func.coalesce(w.c.received_net_kg, 0)), else_=0),
        "settled_kg": func.coalesce(sl.c.settled_kg, 0),
        "settled_fen": func.coalesce(sl.c.amount_fen, 0),
        "invoiced_kg": func.coalesce(ilines.c.kg, 0),
        "invoiced_fen": func.coalesce(ilines.c.fen, 0),
        "paid_fen": settlement_share + func.coalesce(ilines.c.paid_fen, 0),
        "contract_state": P,
        "order_state": P,
        "ticket_state": ticket_state,
        "waybill_state": waybill_state,
        "settlement_state": settlement_state,
        "invoice_state": invoice_state,
        "payment_state": payment_state,
        "reasons_text": reasons,
        "updated_at": literal(now, ChainStatus.__table__.c.updated_at.type),
    }
    source = (
        select(*[v.label(k) for k, v in columns.items()])
        # Narrowed: the set drives the joins (a few index lookups per order); else the period's filter.
        .select_from(o if scope is None else scope.join(o, o.c.id == scope.c.order_id))
        .join(c, c.c.id == o.c.contract_id)
        .outerjoin(t, and_(t.c.order_id == o.c.id, t.c.status == TicketStatus.VALID.value))
        .outerjoin(w, w.c.order_id == o.c.id)
        .outerjoin(terms, terms.c.contract_id == o.c.contract_id)
        .outerjoin(sl, and_(sl.c.ticket_id == t.c.id, sl.c.live == true()))
        .outerjoin(st, st.c.id == sl.c.settlement_id)
        .outerjoin(spay, spay.c.settlement_id == sl.c.settlement_id)
        .outerjoin(ilines, ilines.c.waybill_id == w.c.id)
        .where(where if scope is None else true())
    )
    # The reasons are computed once (in the inner select) and turned into the JSON list and the flag.
    inner = source.subquery("chain")
    text_ = inner.c.reasons_text
    reasons_json = literal("[", String) + func.substr(text_, 2) + literal("]", String)
    final: dict[str, Any] = {k: inner.c[k] for k in columns if k != "reasons_text"}
    final["mismatch"] = case((text_ != "", true()), else_=false())
    final["reasons"] = cast(reasons_json, JsonDoc) if d.pg else type_coerce(reasons_json, JsonDoc)
    outer = select(*[v.label(k) for k, v in final.items()]).where(true())  # WHERE: SQLite's upsert needs one
    insert = (postgresql.insert if d.pg else sqlite.insert)(ChainStatus).from_select(list(final), outer)
    table = ChainStatus.__table__
    keep = {k: getattr(insert.excluded, k) for k in final if k != "order_id"}
    # A row whose figures did not change is not written again (no dead tuple, no WAL): an hourly sweep
    # over a month rewrites only what moved. Its updated_at keeps the time of its last change.
    changed = or_(
        *[
            table.c[k].is_distinct_from(getattr(insert.excluded, k))
            for k in final
            if k not in ("order_id", "updated_at")
        ]
    )
    return insert.on_conflict_do_update(index_elements=["order_id"], set_=keep, where=changed)


def for_orders(order_ids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    return s.orders.c.id.in_(sorted(order_ids, key=str)) if order_ids else false()


def for_contract(contract_id: uuid.UUID) -> ColumnElement[bool]:
    return s.orders.c.contract_id == contract_id


def for_tickets(ticket_nos: Collection[str]) -> ColumnElement[bool]:
    return s.tickets.c.ticket_no.in_(sorted(ticket_nos)) if ticket_nos else false()


def for_contract_between(contract_id: uuid.UUID, start: datetime, end: datetime) -> ColumnElement[bool]:
    """A contract's orders weighed in [start, end) (a batch assay's day)."""
    return and_(
        s.orders.c.contract_id == contract_id, s.tickets.c.gross_at >= start, s.tickets.c.gross_at < end
    )


def since(at: datetime) -> ColumnElement[bool]:
    """The orders valid or weighed since `at` (the sweep's open period)."""
    return or_(s.orders.c.valid_from >= at, s.tickets.c.gross_at >= at)


async def recompute(
    session: AsyncSession, *, where: ColumnElement[bool], now: datetime, narrow: bool = True
) -> int:
    """Rewrite the chain rows `where` selects; returns how many rows were written."""
    dialect = session.get_bind().dialect.name
    result = await session.execute(statement(dialect, where=where, now=now, narrow=narrow))
    count = int(getattr(result, "rowcount", -1))
    if count < 0 and dialect == "sqlite":
        # The statement opens with its WITH clause, for which the sqlite3 driver reports no rowcount.
        count = int((await session.execute(select(func.changes()))).scalar_one())
    return max(count, 0)
