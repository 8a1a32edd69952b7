"""THE ledger race: 200 pickup orders of 1 t each, all at once, against a 50 t contract.

Each reservation runs in its own session (its own connection and transaction), as separate API
requests would. Exactly 50 may win, whatever the interleaving: on PostgreSQL the row lock makes
each conditional UPDATE re-check the newest row; on SQLite writers queue behind the busy timeout.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from backend.db.unit import unit_of_work
from backend.domain.contracts import service as contracts
from backend.errors import Conflict
from tests.contracts import helpers as c

ORDERS = 200
ORDER_KG = 1_000
QUANTITY_KG = 50_000
# Below the test engine's pool on PostgreSQL (10 + 20), so nobody waits for a connection, only for the row.
PARALLEL = 20


async def test_200_concurrent_reservations_never_overdraw_the_contract(ctx, client):
    p = await c.parties(ctx, client)
    cid = uuid.UUID((await c.active(client, p, quantityKg=QUANTITY_KG, toleranceBp=0))["id"])
    gate = asyncio.Semaphore(PARALLEL)
    refusals: list[str] = []

    async def order(n: int) -> bool:
        async with gate, ctx.sessions() as session:
            try:
                await contracts.reserve(session, contract_id=cid, kg=ORDER_KG, ref=f"PO-{n:03d}")
            except Conflict as exc:
                refusals.append(exc.code)
                return False
            await session.commit()
            return True

    started = time.monotonic()
    results = await asyncio.wait_for(asyncio.gather(*(order(n) for n in range(ORDERS))), timeout=120)
    elapsed = time.monotonic() - started

    assert sum(results) == QUANTITY_KG // ORDER_KG == 50
    assert refusals == ["contract_capacity_exceeded"] * (ORDERS - 50)
    async with unit_of_work(ctx) as session:
        progress = await contracts.progress(session, contract_id=cid)
        entries = await contracts.ledger_entries(session, contract_id=cid)
    assert (progress.reserved_kg, progress.executed_kg, progress.remaining_kg) == (QUANTITY_KG, 0, 0)
    assert len(entries) == 50 and {e.kind for e in entries} == {"reserve"}
    assert len({e.ref for e in entries}) == 50 and sum(e.kg for e in entries) == QUANTITY_KG
    assert elapsed < 60, f"200 reservations took {elapsed:.1f} s"
