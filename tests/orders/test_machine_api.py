"""Contracts and orders through the signed machine interface: an ERP files a contract and issues
orders as its organisation's sales desk; device keys may not; the trail names the key."""

from __future__ import annotations

from tests.contracts import helpers as ch
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.sites import helpers as sh


async def test_an_erp_files_a_contract_and_issues_orders(ctx, client, app):
    w = await oh.world(ctx, client)
    key = await dh.issue_key(client, w.parties.seller_id, w.parties.seller)
    erp = dh.signed_client(app, key["key"]["keyId"], key["secret"])
    r = await erp.post("/open/v1/contracts", json=ch.body(w.parties, contractNo="ERP-2026-0001"))
    assert r.status_code == 201, r.text
    contract_id = r.json()["id"]
    r = await erp.put(f"/open/v1/contracts/{contract_id}/pdf", content=ch.PDF, content_type="application/pdf")
    assert r.status_code == 200 and r.json()["pdf"]["sizeBytes"] == len(ch.PDF), r.text
    r = await erp.post(f"/open/v1/contracts/{contract_id}/file")
    assert r.status_code == 200 and r.json()["status"] == "filed", r.text
    events = (await client.get(ch.url(contract_id, "events"), headers=w.parties.seller)).json()
    assert events[-1]["actorLabel"] == f"接口 {key['key']['keyId']}"
    # On the already active contract of the world, the ERP issues a batch of two.
    r = await erp.post("/open/v1/orders", json=oh.issue_body(w, count=2))
    assert r.status_code == 201 and len(r.json()) == 2, r.text
    order_id = r.json()[0]["id"]
    detail = await erp.get(f"/open/v1/orders/{order_id}")
    assert detail.status_code == 200 and detail.json()["transitions"][0]["actorLabel"] == f"接口 {key['key']['keyId']}"
    r = await erp.post(f"/open/v1/orders/{order_id}/cancel", json={"reason": "ERP 撤单"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
    assert (await oh.progress(client, w))["reservedKg"] == 30_000
    # Bad input is a 4xx naming the field, like anywhere else.
    r = await erp.post("/open/v1/orders", json=oh.issue_body(w, plannedKg=0))
    ch.refusal(r, 422, "order_planned_kg", "plannedKg")
    await erp.aclose()


async def test_a_device_key_cannot_act_for_the_sales_desk(ctx, client, app):
    w = await oh.world(ctx, client)
    _, device_id, _ = await dh.device(client, w.parties.seller_id, w.parties.seller)
    key = await dh.issue_key(client, w.parties.seller_id, w.parties.seller, deviceId=device_id)
    gate = dh.signed_client(app, key["key"]["keyId"], key["secret"])
    r = await gate.post("/open/v1/orders", json=oh.issue_body(w))
    assert r.status_code == 403 and r.json()["code"] == "machine_device_key", r.text
    # Another organisation's key sees neither the contract nor the orders.
    _, other_org, other_admin = await sh.member(ctx, client, role="enterprise_admin", kind="mine")
    other_key = await dh.issue_key(client, other_org, other_admin)
    stranger = dh.signed_client(app, other_key["key"]["keyId"], other_key["secret"])
    assert (await stranger.get(f"/open/v1/contracts/{w.contract['id']}")).status_code == 404
    r = await stranger.post("/open/v1/orders", json=oh.issue_body(w))
    assert r.status_code == 404, r.text
    await gate.aclose()
    await stranger.aclose()
