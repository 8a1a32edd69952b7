"""A ticket on the evidence chain: editing its row, or its evidence entry, in SQL makes the chain's
verification (what `meitong evidence verify` runs) fail at exactly that ticket's entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar
from sqlalchemy import text

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.evidence import service as evidence
from backend.domain.evidence.resolvers import default_resolvers
from tests.weighing import helpers as wh

T0 = datetime.now(UTC) - timedelta(hours=2)


async def _two_tickets(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> list[dict]:
    lw = await wh.lane_world(ctx, client, app, called=False)
    first = await wh.weigh_cycle(lw, lw.order_id, tare_kg=15_000, gross_kg=44_000, t0=T0)
    second = await wh.weigh_cycle(lw, await wh.another_order(client, lw), tare_kg=15_100, gross_kg=44_500,
                                  t0=T0 + timedelta(hours=1))
    tickets = []
    for answer in (first, second):
        r = await client.get(f"/api/mine/tickets/{answer['ticketNo']}", headers=lw.gw.w.parties.sales)
        tickets.append(r.json())
    return tickets


async def _verify(ctx: Context) -> tuple[bool, int | None, str | None]:
    async with unit_of_work(ctx) as session:
        report = await evidence.verify_chain(session, settings=ctx.settings, resolvers=default_resolvers())
    return report.ok, report.first_bad_seq, report.reason


async def test_an_edited_ticket_row_fails_verification_at_its_entry(ctx: Context, client: httpx.AsyncClient,
                                                                      app: Litestar) -> None:
    first, second = await _two_tickets(ctx, client, app)
    assert await _verify(ctx) == (True, None, None)
    async with ctx.engine.begin() as conn:  # 1 t more on the paper, the CHECK (net = gross - tare) kept
        await conn.execute(text("UPDATE weigh_tickets SET gross_kg = gross_kg + 1000, net_kg = net_kg + 1000 "
                                "WHERE ticket_no = :no"), {"no": second["ticketNo"]})
    assert await _verify(ctx) == (False, second["evidenceSeq"], "record_mismatch")
    assert first["evidenceSeq"] < second["evidenceSeq"]


async def test_an_edited_evidence_entry_fails_verification_at_that_entry(ctx: Context, client: httpx.AsyncClient,
                                                                          app: Litestar) -> None:
    first, _ = await _two_tickets(ctx, client, app)
    async with ctx.engine.begin() as conn:
        await conn.execute(text("UPDATE evidence_entries SET payload = replace(payload, '44000', '45000') "
                                "WHERE seq = :seq"), {"seq": first["evidenceSeq"]})
    ok, seq, reason = await _verify(ctx)
    assert (ok, seq) == (False, first["evidenceSeq"]) and reason in ("payload_hash_mismatch", "record_mismatch")
