"""A ticket is settled at most once: two settlements claiming the same load at the same moment, as two
concurrent HTTP requests, and as two units of work racing in the service — one wins, the other
answers 409 `ticket_already_settled` naming the ticket, and nothing of the loser is stored."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
from sqlalchemy import func, select

from backend.db.unit import unit_of_work
from backend.domain.identity.schemas import MembershipInfo, Principal, Role
from backend.domain.settlements import service as settlements
from backend.domain.settlements.models import Settlement, SettlementLine
from backend.domain.settlements.schemas import SettlementIssue
from backend.errors import Conflict
from tests.settlements import helpers as h


async def _counts(ctx, contract_id: str) -> tuple[int, int]:
    async with unit_of_work(ctx) as session:
        rows = (
            await session.execute(
                select(func.count())
                .select_from(Settlement)
                .where(Settlement.contract_id == uuid.UUID(contract_id))
            )
        ).scalar_one()
        lines = (
            await session.execute(
                select(func.count())
                .select_from(SettlementLine)
                .join(Settlement, Settlement.id == SettlementLine.settlement_id)
                .where(Settlement.contract_id == uuid.UUID(contract_id))
            )
        ).scalar_one()
    return rows, lines


async def test_two_concurrent_requests_one_wins_the_other_409(ctx, client):
    w = await h.world(ctx, client)
    nets = [30_000, 29_000, 28_000]
    tickets = await h.loads(ctx, client, w, nets)
    first = h.body(w, tickets[:2], nets=nets[:2])
    second = h.body(w, tickets[1:], nets=nets[1:])  # tickets[1] in both
    answers = await asyncio.gather(
        client.post("/api/enterprise/settlements", json=first, headers=w.buyer_finance),
        client.post("/api/enterprise/settlements", json=second, headers=w.p.buyer),
    )
    assert sorted(r.status_code for r in answers) == [201, 409], [r.text for r in answers]
    lost = next(r for r in answers if r.status_code == 409).json()
    assert (
        lost["code"] == "ticket_already_settled"
        and tickets[1] in lost["message_zh"]
        and lost["field"] == "ticketNos"
    )
    assert await _counts(ctx, w.contract["id"]) == (1, 2)


async def test_two_units_racing_in_the_service(ctx, client):
    w = await h.world(ctx, client)
    nets = [30_000, 29_000]
    tickets = await h.loads(ctx, client, w, nets)
    bodies = [msgspec.convert(h.body(w, tickets, nets=nets), SettlementIssue) for _ in range(2)]
    actor = Principal(
        user_id=uuid.uuid4(),
        session_id=None,
        name="财务",
        phone="13900000001",
        is_platform_admin=False,
        driver_id=None,
        totp_enabled=False,
        memberships=(
            MembershipInfo(
                org_id=w.p.buyer_id, org_kind="consumer_power", region_code="150621", role=Role.FINANCE
            ),
        ),
    )

    async def attempt(data: SettlementIssue) -> str:
        try:
            async with unit_of_work(ctx) as session:
                out = await settlements.issue(session, ctx=ctx, actor=actor, data=data)
            return f"won {out.settlement_no}"
        except Conflict as exc:
            return exc.code

    results = await asyncio.gather(*(attempt(b) for b in bodies))
    assert sorted(r.split()[0] for r in results) == ["ticket_already_settled", "won"], results
    assert await _counts(ctx, w.contract["id"]) == (1, 2)
