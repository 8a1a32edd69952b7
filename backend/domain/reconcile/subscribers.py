"""The chain status follows every document of the chain as it arrives, in the same transaction:
a ticket, a waybill opened or closed, an order closed without a load, a settlement issued or
confirmed, a transport invoice, a payment, an assay. The producers never know."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.assays import events as assays_events
from backend.domain.invoices import events as invoices_events
from backend.domain.orders import events as orders_events
from backend.domain.payments import events as payments_events
from backend.domain.reconcile import service
from backend.domain.settlements import events as settlements_events
from backend.domain.waybills import events as waybills_events
from backend.domain.weighing import events as weighing_events
from backend.events import subscriber


@subscriber(weighing_events.TicketIssued)
async def on_ticket(session: AsyncSession, ctx: Context, event: weighing_events.TicketIssued) -> None:
    await service.recompute_orders(session, order_ids=[event.order_id])


@subscriber(waybills_events.WaybillOpened)
async def on_waybill_opened(
    session: AsyncSession, ctx: Context, event: waybills_events.WaybillOpened
) -> None:
    await service.recompute_orders(session, order_ids=[event.order_id])


@subscriber(waybills_events.WaybillClosed)
async def on_waybill_closed(
    session: AsyncSession, ctx: Context, event: waybills_events.WaybillClosed
) -> None:
    await service.recompute_orders(session, order_ids=[event.order_id])


@subscriber(orders_events.OrderClosed)
async def on_order_closed(session: AsyncSession, ctx: Context, event: orders_events.OrderClosed) -> None:
    await service.recompute_orders(session, order_ids=[event.order_id])


@subscriber(settlements_events.SettlementIssued)
async def on_settlement_issued(
    session: AsyncSession, ctx: Context, event: settlements_events.SettlementIssued
) -> None:
    await service.recompute_orders(session, order_ids=event.order_ids)


@subscriber(settlements_events.SettlementConfirmed)
async def on_settlement_confirmed(
    session: AsyncSession, ctx: Context, event: settlements_events.SettlementConfirmed
) -> None:
    await service.recompute_orders(session, order_ids=event.order_ids)


@subscriber(invoices_events.InvoiceRecorded)
async def on_invoice(session: AsyncSession, ctx: Context, event: invoices_events.InvoiceRecorded) -> None:
    await service.recompute_orders(session, order_ids=event.order_ids)


@subscriber(payments_events.PaymentRecorded)
async def on_payment(session: AsyncSession, ctx: Context, event: payments_events.PaymentRecorded) -> None:
    await service.recompute_orders(session, order_ids=event.order_ids)


@subscriber(assays_events.AssayRecorded)
async def on_assay(session: AsyncSession, ctx: Context, event: assays_events.AssayRecorded) -> None:
    await service.recompute_assay(
        session, contract_id=event.contract_id, ticket_nos=event.ticket_nos, batch_date=event.batch_date
    )
