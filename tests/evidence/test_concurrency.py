"""20 appends at once, each in its own session (its own connection and transaction), as 20 weigh
tickets committed by separate requests would be: the chain stays gap-free and linear.

The first round also races the lazy creation of the head row (the tables start empty); the second
runs against an existing head. Each session has already written something of its own before it
appends, as a ticket's transaction would have.
"""

from __future__ import annotations

import asyncio

from backend.db.unit import unit_of_work
from backend.domain.evidence import service as evidence
from tests.evidence import helpers as h

PARALLEL = 20  # below the test engine's pool on PostgreSQL (10 + 20): sessions wait for the chain, not a connection


async def _round(ctx, label: str) -> list[int]:
    start = asyncio.Event()

    async def one(n: int) -> int:
        async with unit_of_work(ctx) as session:
            await start.wait()
            made = await evidence.append(session, settings=ctx.settings, kind="note", ref=f"{label}-{n}",
                                         payload={"n": n, "round": label})
            await asyncio.sleep(0.005 * (n % 3))  # keep some transactions open a little after the append
            await session.commit()
            return made.seq

    tasks = [asyncio.create_task(one(n)) for n in range(PARALLEL)]
    await asyncio.sleep(0.05)
    start.set()
    return await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)


async def test_20_concurrent_appends_are_numbered_without_gaps_and_linked_in_order(ctx):
    first = await _round(ctx, "a")
    assert sorted(first) == list(range(1, PARALLEL + 1))
    second = await _round(ctx, "b")
    assert sorted(second) == list(range(PARALLEL + 1, 2 * PARALLEL + 1))
    prev_hash = "0" * 64
    for seq in range(1, 2 * PARALLEL + 1):
        row = await h.row(ctx, seq)
        assert row["prev_hash"] == prev_hash, f"seq {seq} does not link to seq {seq - 1}"
        prev_hash = row["hash"]
    refs = {(await h.row(ctx, seq))["ref"] for seq in range(1, 2 * PARALLEL + 1)}
    assert len(refs) == 2 * PARALLEL
    report = await h.verify(ctx)
    assert (report.ok, report.entries_checked) == (True, 2 * PARALLEL)
