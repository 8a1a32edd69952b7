"""Which loads a settlement covers: its tickets by number, or every valid ticket of the contract
weighed in the period that no live settlement holds yet; each with its waybill's receipt.

Every refusal names the field (ticketNos[2], lines[0].ticketNo): unknown, another contract's, void,
listed twice. "Already settled" is not judged here but by the unique index at insert (issuing),
which is the only answer that holds under a race.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.clock import CHINA_TZ
from backend.domain.settlements import errors
from backend.domain.settlements.models import SettlementLine
from backend.domain.settlements.schemas import LineIn, SettlementIssue
from backend.domain.waybills import service as waybills
from backend.domain.waybills.schemas import ReceivedLoad
from backend.domain.weighing import service as weighing
from backend.domain.weighing.schemas import TicketLoad, TicketStatus


class Load(msgspec.Struct, frozen=True, kw_only=True):
    ticket: TicketLoad
    received: ReceivedLoad | None
    figures: LineIn | None  # the issuer's own line, when it sent lines


def day_start(day: date) -> datetime:
    """A calendar day in China begins at local midnight (the period's days are the parties' days)."""
    return datetime.combine(day, time(0), tzinfo=CHINA_TZ)


async def settled_ticket_ids(session: AsyncSession, *, ticket_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    if not ticket_ids:
        return set()
    rows = await session.execute(
        select(SettlementLine.ticket_id).where(
            SettlementLine.ticket_id.in_(ticket_ids), SettlementLine.live.is_(True)
        )
    )
    return set(rows.scalars())


async def unsettled(
    session: AsyncSession, *, contract_id: uuid.UUID, period_from: date, period_to: date
) -> list[TicketLoad]:
    """The contract's valid tickets weighed (gross) in the period that no live settlement holds."""
    tickets = await weighing.ticket_loads(
        session,
        contract_id=contract_id,
        gross_from=day_start(period_from),
        gross_to=day_start(period_to + timedelta(days=1)),
        valid_only=True,
    )
    taken = await settled_ticket_ids(session, ticket_ids={t.id for t in tickets})
    return [t for t in tickets if t.id not in taken]


def _numbers(data: SettlementIssue) -> tuple[list[str], str] | None:
    """The ticket numbers the body names and the field they came from; None for a period."""
    if data.ticket_nos is not None:
        if data.lines is not None and sorted(x.ticket_no for x in data.lines) != sorted(data.ticket_nos):
            raise errors.figure(
                "settlement_lines_tickets",
                "逐车明细须与所列磅单一一对应",
                "The lines must match the listed tickets one for one",
                field="lines",
            )
        return list(data.ticket_nos), "ticketNos"
    if data.lines is not None:
        return [x.ticket_no for x in data.lines], "lines"
    return None


async def resolve(session: AsyncSession, *, contract_id: uuid.UUID, data: SettlementIssue) -> list[Load]:
    named = _numbers(data)
    if named is None:
        tickets = await unsettled(
            session, contract_id=contract_id, period_from=data.period_from, period_to=data.period_to
        )
        if not tickets:
            raise errors.no_loads()
    else:
        numbers, source = named
        if not numbers:
            raise errors.loads_required()
        found = {t.ticket_no: t for t in await weighing.ticket_loads(session, ticket_nos=numbers)}
        seen: set[str] = set()
        tickets = []
        for i, no in enumerate(numbers):
            field = f"{source}[{i}]" if source == "ticketNos" else f"lines[{i}].ticketNo"
            if no in seen:
                raise errors.ticket_repeated(no, field)
            seen.add(no)
            t = found.get(no)
            if t is None:
                raise errors.ticket_unknown(no, field)
            if t.contract_id != contract_id:
                raise errors.ticket_other_contract(no, field)
            if t.status != TicketStatus.VALID:
                raise errors.ticket_void(no, field)
            tickets.append(t)
        tickets.sort(key=lambda t: (t.gross_at, t.ticket_no))
    received = await waybills.received_loads(session, order_ids={t.order_id for t in tickets})
    figures = {x.ticket_no: x for x in data.lines or ()}
    return [
        Load(ticket=t, received=received.get(t.order_id), figures=figures.get(t.ticket_no)) for t in tickets
    ]
