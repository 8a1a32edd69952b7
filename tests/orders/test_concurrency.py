"""THE order race of issue 4: 200 concurrent order requests (1 t each) against a contract with
room for 50 t end with exactly 50 orders, and the ledger agrees with the orders table.

Each request is a full HTTP request through the app (its own session and transaction); on
PostgreSQL the contract row's lock serialises the conditional UPDATEs, on SQLite the writers queue.
"""

from __future__ import annotations

import asyncio

from tests.contracts import helpers as ch
from tests.orders import helpers as oh

REQUESTS = 200
ORDER_KG = 1_000
ROOM_KG = 50_000
# Below the test engine's pool on PostgreSQL, so requests wait for the row, not for a connection.
PARALLEL = 20


async def test_200_concurrent_orders_against_room_for_50(ctx, client):
    w = await oh.world(ctx, client, quantity_kg=ROOM_KG, toleranceBp=0)
    gate = asyncio.Semaphore(PARALLEL)

    async def request(n: int) -> int:
        async with gate:
            r = await client.post("/api/mine/orders", json=oh.issue_body(w, plannedKg=ORDER_KG, note=f"第{n}车"),
                                  headers=w.parties.sales)
            assert r.status_code in (201, 409), r.text
            if r.status_code == 409:
                assert r.json()["code"] == "contract_capacity_exceeded", r.text
            return r.status_code

    statuses = await asyncio.wait_for(asyncio.gather(*(request(n) for n in range(REQUESTS))), timeout=300)
    assert statuses.count(201) == 50 and statuses.count(409) == REQUESTS - 50
    listed = await client.get("/api/mine/orders", params={"contract_id": w.contract["id"], "limit": 200},
                              headers=w.parties.sales)
    orders = listed.json()["items"]
    assert listed.json()["total"] == 50 and len({o["orderNo"] for o in orders}) == 50
    assert sum(o["plannedKg"] for o in orders) == ROOM_KG
    progress = await oh.progress(client, w)
    assert (progress["reservedKg"], progress["remainingKg"]) == (ROOM_KG, 0)
    r = await client.post("/api/mine/orders", json=oh.issue_body(w, plannedKg=ORDER_KG), headers=w.parties.sales)
    ch.refusal(r, 409, "contract_capacity_exceeded", "plannedKg")
