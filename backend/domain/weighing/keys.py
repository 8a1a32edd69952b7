"""The few facts other features join on a ticket by its number (assays, settlements): its contract and
its day. No access check: the caller has decided who asks."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import china_time
from backend.domain.weighing.models import WeighTicket
from backend.domain.weighing.schemas import TicketKey, TicketStatus

# Bound the IN list: a caller asking about more numbers asks in pages.
MAX_KEYS = 5000


async def ticket_keys(session: AsyncSession, *, ticket_nos: Collection[str]) -> dict[str, TicketKey]:
    """The valid tickets among `ticket_nos`, by number: contract, order, net and the China day issued."""
    wanted = sorted(set(ticket_nos))[:MAX_KEYS]
    if not wanted:
        return {}
    rows = (
        await session.execute(
            select(WeighTicket).where(
                WeighTicket.ticket_no.in_(wanted), WeighTicket.status == TicketStatus.VALID
            )
        )
    ).scalars()
    return {
        t.ticket_no: TicketKey(
            ticket_no=t.ticket_no,
            contract_id=t.contract_id,
            order_id=t.order_id,
            net_kg=t.net_kg,
            day=china_time(t.issued_at).date(),
        )
        for t in rows
    }
