"""A whole tare → gross cycle over the lane's signed interface: identification enters the called
truck, the ticket books the contract and closes the order in one transaction, the exit opens for
the ticketed truck, and a repeated upload is answered from the record (exactly once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar

from backend.context import Context
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph
from tests.weighing import helpers as wh


async def _tare_then_gross(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> tuple[wh.LaneWorld, dict, dict]:
    lw = await wh.lane_world(ctx, client, app)
    decision = await wh.identify(lw, code=await wh.pass_code(client, lw))
    assert decision["accepted"] and decision["kind"] == "tare" and decision["openBarrier"], decision
    t0 = datetime.now(UTC) - timedelta(minutes=40)
    tare = await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_240, at=t0))
    assert tare["accepted"] and tare["code"] == "ok" and tare["kind"] == "tare", tare
    decision = await wh.identify(lw, code=await wh.pass_code(client, lw))
    assert decision["accepted"] and decision["kind"] == "gross", decision
    gross = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_240, at=t0 + timedelta(minutes=30)))
    return lw, tare, gross


async def test_tare_then_gross_issues_a_ticket_that_books_the_contract(ctx: Context, client: httpx.AsyncClient,
                                                                      app: Litestar) -> None:
    lw, _, gross = await _tare_then_gross(ctx, client, app)
    assert gross["accepted"] and gross["netKg"] == 29_000 and gross["ticketNo"].startswith("BD"), gross
    assert gross["openExit"] and "29.00" in gross["messageZh"]
    progress = await oh.progress(client, lw.gw.w)
    assert progress["executedKg"] == 29_000 and progress["reservedKg"] == 0, progress
    r = await client.get(f"/api/mine/tickets/{gross['ticketNo']}", headers=lw.gw.w.parties.sales)
    ticket = r.json()
    assert r.status_code == 200 and ticket["tareKg"] == 15_240 and ticket["grossKg"] == 44_240, r.text
    assert ticket["orderNo"] == lw.gw.order["orderNo"] and ticket["plate"] == lw.plate and ticket["evidenceSeq"]
    assert [p["kind"] for p in ticket["photos"]] == ["tare", "gross"]
    r = await client.get(f"/api/driver/orders/{lw.order_id}", headers=lw.gw.trucker.headers)
    assert r.json()["order"]["status"] == "completed", r.text
    r = await client.get("/api/driver/tickets", headers=lw.gw.trucker.headers)
    assert [t["ticketNo"] for t in r.json()["items"]] == [gross["ticketNo"]], r.text


async def test_exit_opens_for_the_ticketed_truck_only_after_the_gross(ctx: Context, client: httpx.AsyncClient,
                                                                      app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app)
    gate = ph.machine(app, lw.gw.device)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    t0 = datetime.now(UTC) - timedelta(minutes=40)
    await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=t0))
    out = await ph.scan(gate, lw.gw.site_id, await wh.pass_code(client, lw), transition="out")
    assert out["code"] == "exit_gross_missing", out
    await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=40_000, at=t0 + timedelta(minutes=30)))
    out = await ph.scan(gate, lw.gw.site_id, await wh.pass_code(client, lw), transition="out")
    assert out["accepted"], out


async def test_a_repeated_upload_gets_the_same_answer_and_changes_nothing(ctx: Context, client: httpx.AsyncClient,
                                                                          app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app)
    await wh.identify(lw, code=await wh.pass_code(client, lw))
    t0 = datetime.now(UTC) - timedelta(minutes=40)
    await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=t0))
    body = wh.weighing_body(lw, kind="gross", weight_kg=40_000, at=t0 + timedelta(minutes=30))
    first = await wh.submit(lw, body)
    again = await wh.submit(lw, body)
    assert again.pop("duplicate") is True and first.pop("duplicate") is False
    assert again == first
    assert (await oh.progress(client, lw.gw.w))["executedKg"] == 25_000
    r = await client.get(f"/api/mine/sites/{lw.gw.site_id}/tickets", headers=lw.gw.w.parties.sales)
    assert r.json()["total"] == 1, r.text


async def test_the_public_verify_answers_for_the_ticket(ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    _, _, gross = await _tare_then_gross(ctx, client, app)
    no, code = gross["verifyUrl"].split("/verify/")[1].split("?c=")
    r = await client.get(f"/api/public/tickets/{no}/verify", params={"c": code})
    assert r.status_code == 200 and r.json()["valid"] is True, r.text
    wrong = ("y" if code[0] == "x" else "x") + code[1:]  # one character off, never the code itself
    r = await client.get(f"/api/public/tickets/{no}/verify", params={"c": wrong})
    assert r.json()["valid"] is False and r.json()["ticket"] is None, r.text


async def test_a_weighing_with_a_forged_signature_is_refused_and_not_stored(ctx: Context, client: httpx.AsyncClient,
                                                                           app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app)
    await wh.identify(lw, code=await wh.pass_code(client, lw))
    body = wh.weighing_body(lw, kind="tare", weight_kg=15_000)
    body["weightKg"] = 12_000  # changed after signing
    r = await lw.lane.post("/open/v1/weighings", json=body)
    assert r.status_code == 422 and r.json()["field"] == "signature", r.text
    body = wh.weighing_body(lw, kind="tare", weight_kg=15_000)
    assert (await wh.submit(lw, body))["accepted"]
