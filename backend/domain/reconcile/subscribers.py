"""The chain status follows every document of the chain as it arrives, in the same transaction:
a ticket, a waybill opened or closed, an order closed without a load. The producers never know."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.domain.orders import events as orders_events
from backend.domain.reconcile import service
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
