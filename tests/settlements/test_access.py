"""A stranger gets 404 on every settlement route (the PDF and the scan included), lists show only
one's own settlements, and the machine interface upserts idempotently with the buyer's key."""

from __future__ import annotations

import base64

from tests.orders import pass_helpers as ph
from tests.settlements import helpers as h
from tests.sites import helpers as sh

NETS = [30_000, 28_000]


async def test_strangers_get_404_on_every_route(ctx, client, app):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS)
    b = h.body(w, tickets, nets=NETS, scan=base64.b64encode(b"%PDF-1.4 signed").decode())
    s = await h.issue(client, w.seller_finance, b)
    _, stranger_org, stranger = await sh.member(
        ctx, client, role="enterprise_admin", kind="consumer_power", region_code="150621"
    )
    url = f"/api/enterprise/settlements/{s['id']}"
    for method, path, body in (
        ("GET", url, None),
        ("GET", f"{url}/pdf", None),
        ("GET", f"{url}/scan", None),
        ("POST", f"{url}/confirm", None),
        ("POST", f"{url}/withdraw", None),
        ("POST", f"{url}/versions", b),
    ):
        r = await client.request(method, path, json=body, headers=stranger)
        assert r.status_code == 404 and r.json()["code"] == "not_found", (method, path, r.text)
    listing = (await client.get("/api/enterprise/settlements", headers=stranger)).json()
    assert listing["total"] == 0
    assert (await client.get("/api/enterprise/settlements", headers=w.p.buyer_staff)).json()["total"] == 1
    key = await ph.key(client, stranger_org, stranger)
    machine = ph.machine(app, key)
    assert (await machine.get(f"/open/v1/settlements/{s['settlementNo']}")).status_code == 404
    r = await machine.put(
        f"/open/v1/settlements/{s['settlementNo']}", json={**b, "contractNo": w.contract["contractNo"]}
    )
    assert r.status_code == 404, r.text


async def test_the_buyers_key_upserts_idempotently(ctx, client, app):
    w = await h.world(ctx, client)
    tickets = await h.loads(ctx, client, w, NETS + [27_000])
    machine = ph.machine(app, await ph.key(client, w.p.buyer_id, w.p.buyer))
    b = h.body(w, tickets[:2], nets=NETS, no="JS-OPEN-1")
    del b["contractId"]
    b["contractNo"] = w.contract["contractNo"]
    first = await machine.put("/open/v1/settlements/JS-OPEN-1", json=b)
    assert first.status_code == 201, first.text
    assert first.json()["source"] == "open_api" and first.json()["version"] == 1
    same = await machine.put("/open/v1/settlements/JS-OPEN-1", json=b)
    assert same.status_code == 200 and same.json()["id"] == first.json()["id"]
    changed = h.body(w, tickets, nets=NETS + [27_000], no="JS-OPEN-1")
    del changed["contractId"]
    changed["contractNo"] = w.contract["contractNo"]
    second = await machine.put("/open/v1/settlements/JS-OPEN-1", json=changed)
    assert second.status_code == 201 and second.json()["version"] == 2 and second.json()["loadCount"] == 3
    again = await machine.put("/open/v1/settlements/JS-OPEN-1", json=changed)
    assert again.status_code == 200 and again.json()["id"] == second.json()["id"]
    read = await machine.get("/open/v1/settlements/JS-OPEN-1")
    assert read.status_code == 200 and read.json()["version"] == 2
    listing = (await client.get("/api/enterprise/settlements", headers=w.p.seller)).json()
    assert [(x["version"], x["status"]) for x in listing["items"]] == [(2, "pending"), (1, "superseded")]
    wrong = await machine.put("/open/v1/settlements/JS-OPEN-2", json=changed)
    assert wrong.status_code == 422 and wrong.json()["field"] == "settlementNo"
    seller_key = ph.machine(app, await ph.key(client, w.p.seller_id, w.p.seller))
    other = {**changed, "settlementNo": "JS-OPEN-3"}
    refused = await seller_key.put("/open/v1/settlements/JS-OPEN-3", json=other)
    assert refused.status_code == 403 and refused.json()["code"] == "settlement_not_party"
