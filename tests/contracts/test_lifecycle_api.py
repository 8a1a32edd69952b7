"""A contract's life over HTTP: draft, edit, scan, file, confirm, run, and every move it may not make."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from backend import files
from backend.clock import today_china
from backend.db.unit import unit_of_work
from backend.domain.audit import service as audit
from backend.domain.contracts import lifecycle
from tests.contracts import helpers as c


@pytest.fixture
async def p(ctx, client) -> c.Parties:
    return await c.parties(ctx, client)


async def test_draft_edit_file_confirm_terminate(ctx, client, p):
    draft = await c.draft(client, p)
    day = today_china().strftime("%Y%m%d")
    assert draft["contractNo"] == f"HT{day}0001"
    assert draft["status"] == "draft" and draft["statusLabel"] == {"zh": "草稿", "en": "Draft"}
    assert draft["kindLabel"] == {"zh": "中长协合同", "en": "Long-term contract"}
    assert draft["productLabel"] == {"zh": "混煤", "en": "Mixed coal"}
    assert (draft["sulphurPct"], draft["ashPct"], draft["moisturePct"]) == (0.85, 12.5, 8.0)
    assert draft["sellerOrgId"] == str(p.seller_id) and draft["sellerName"].startswith("测试mine")
    assert draft["sellerRegionCode"] == "150623" and draft["pdf"] is None
    assert draft["progress"] == {"contractId": draft["id"], "quantityKg": 50_000, "capKg": 50_000, "reservedKg": 0,
                                 "executedKg": 0, "remainingKg": 50_000, "percent": 0.0}
    assert (await c.draft(client, p))["contractNo"] == f"HT{day}0002"  # the seller's sequence for the day

    edited = await c.ok(await client.patch(c.url(draft["id"]), headers=p.seller, json={
        "priceFenPerT": 70_500, "quantityKg": 80_000, "toleranceBp": 500, "sulphurPct": 0.6, "contractNo": "鄂煤销-2026-017",
    }))
    assert (edited["priceFenPerT"], edited["quantityKg"], edited["toleranceBp"]) == (70_500, 80_000, 500)
    assert edited["progress"]["capKg"] == 84_000 and edited["sulphurPct"] == 0.6
    assert edited["contractNo"] == "鄂煤销-2026-017" and edited["ashPct"] == 12.5  # untouched terms stay

    with_pdf = await c.ok(await c.upload(client, p.sales, draft["id"]))
    assert with_pdf["pdf"]["sizeBytes"] == len(c.PDF) and len(with_pdf["pdf"]["sha256"]) == 64
    filed = await c.ok(await client.post(c.url(draft["id"], "file"), headers=p.sales))
    assert filed["status"] == "filed"
    # Pages and the buyer's staff read it; only the buyer's admin confirms it.
    c.refusal(await client.post(c.url(draft["id"], "confirm"), headers=p.buyer_staff), 403, "forbidden", None)
    c.refusal(await client.post(c.url(draft["id"], "confirm"), headers=p.seller), 403, "forbidden", None)
    active = await c.ok(await client.post(c.url(draft["id"], "confirm"), headers=p.buyer))
    assert active["status"] == "active"

    c.refusal(await client.post(c.url(draft["id"], "terminate"), json={"reason": "  "}, headers=p.buyer),
              422, "contract_reason_required", "reason")
    c.refusal(await client.post(c.url(draft["id"], "terminate"), json={"reason": "停产检修"}, headers=p.sales),
              403, "forbidden", None)  # either side's admin, not sales
    ended = await c.ok(await client.post(c.url(draft["id"], "terminate"), json={"reason": "电厂停机检修，双方协商终止"},
                                         headers=p.buyer))
    assert ended["status"] == "terminated" and ended["terminatedReason"] == "电厂停机检修，双方协商终止"

    events = await c.ok(await client.get(c.url(draft["id"], "events"), headers=p.buyer_staff))
    assert [(e["fromStatus"], e["toStatus"]) for e in events] == [
        (None, "draft"), ("draft", "filed"), ("filed", "active"), ("active", "terminated")]
    assert events[-1]["note"] == "电厂停机检修，双方协商终止" and events[-1]["toLabel"]["zh"] == "已终止"
    assert all(e["actorLabel"] for e in events)

    async with unit_of_work(ctx) as session:
        trail = await audit.history(session, entity="contract", entity_id=draft["id"])
    assert [e.action for e in reversed(trail)] == [
        "contract.create", "contract.update", "contract.pdf", "contract.filed", "contract.active", "contract.terminated"]
    update = next(e for e in trail if e.action == "contract.update")
    assert update.before and update.after and update.after["price_fen_per_t"] == 70_500
    assert update.before["price_fen_per_t"] == 68_000


async def test_pdf_round_trip_and_content_addressing(ctx, client, p):
    draft = await c.draft(client, p)
    missing = await client.get(c.url(draft["id"], "pdf"), headers=p.seller)
    c.refusal(missing, 404, "not_found", "file")
    stored = await c.ok(await c.upload(client, p.seller, draft["id"]))
    sha = stored["pdf"]["sha256"]
    store = files.store(ctx.settings)
    assert str(store.path(sha)).endswith(f"/files/{sha[:2]}/{sha[2:4]}/{sha}")
    assert await asyncio.to_thread(store.get, sha) == c.PDF
    for headers in (p.seller, p.buyer_staff):
        response = await client.get(c.url(draft["id"], "pdf"), headers=headers)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content == c.PDF
    # A second draft with the same scan shares the one stored file.
    other = await c.ok(await c.upload(client, p.sales, (await c.draft(client, p))["id"]))
    assert other["pdf"]["sha256"] == sha


async def test_changing_the_terms_drops_the_scan_that_no_longer_shows_them(client, p):
    draft = await c.draft(client, p)
    await c.ok(await c.upload(client, p.sales, draft["id"]))
    same = await c.ok(await client.patch(c.url(draft["id"]), json={"priceFenPerT": 68_000}, headers=p.sales))
    assert same["pdf"] is not None  # nothing changed: the scan still fits
    changed = await c.ok(await client.patch(c.url(draft["id"]), json={"priceFenPerT": 66_000}, headers=p.sales))
    assert changed["pdf"] is None
    c.refusal(await client.post(c.url(draft["id"], "file"), headers=p.sales), 409, "contract_pdf_required", "file")
    await c.ok(await c.upload(client, p.sales, draft["id"]))
    assert (await c.ok(await client.post(c.url(draft["id"], "file"), headers=p.sales)))["status"] == "filed"


async def test_draft_can_be_deleted_by_the_seller_only(ctx, client, p):
    draft = await c.draft(client, p)
    c.refusal(await client.delete(c.url(draft["id"]), headers=p.buyer), 403, "forbidden", None)
    response = await client.delete(c.url(draft["id"]), headers=p.sales)
    assert response.status_code == 204, response.text
    c.refusal(await client.get(c.url(draft["id"]), headers=p.seller), 404, "not_found", None)
    async with unit_of_work(ctx) as session:
        trail = await audit.history(session, entity="contract", entity_id=draft["id"])
    assert trail[0].action == "contract.delete" and trail[0].before and trail[0].before["quantity_kg"] == 50_000


async def test_complete_once_delivered_and_no_order_open(ctx, client, p):
    contract = await c.active(client, p, quantityKg=50_000, toleranceBp=200)
    cid = uuid.UUID(contract["id"])
    c.refusal(await client.post(c.url(cid, "complete"), headers=p.seller), 409, "contract_not_fully_executed", None)
    await c.deliver(ctx, cid, 30_000, ref="t1")
    await c.deliver(ctx, cid, 20_000, ref="t2")
    from backend.domain.contracts import service as contracts

    async with unit_of_work(ctx) as session:
        await contracts.reserve(session, contract_id=cid, kg=1_000, ref="order-open")
        await session.commit()
    refused = c.refusal(await client.post(c.url(cid, "complete"), headers=p.seller), 409, "contract_open_reservations", None)
    assert "1.000" in refused["message_en"]
    c.refusal(await client.post(c.url(cid, "complete"), headers=p.buyer), 403, "forbidden", None)
    async with unit_of_work(ctx) as session:
        await contracts.release(session, contract_id=cid, kg=1_000, ref="order-open")
        await session.commit()
    done = await c.ok(await client.post(c.url(cid, "complete"), headers=p.sales))
    assert done["status"] == "completed"
    assert done["progress"] == {"contractId": str(cid), "quantityKg": 50_000, "capKg": 51_000, "reservedKg": 0,
                                "executedKg": 50_000, "remainingKg": 1_000, "percent": 100.0}


async def test_expiry_job_moves_only_active_contracts_past_their_last_day(ctx, client, p):
    today = today_china()
    ends_today = await c.active(client, p, validUntil=today.isoformat())
    ended = await c.active(client, p, validFrom=c.days(-10).isoformat(), validUntil=c.days(-1).isoformat())
    filed_late = await c.filed(client, p, validFrom=c.days(-10).isoformat(), validUntil=c.days(-1).isoformat())
    async with unit_of_work(ctx) as session:
        assert await lifecycle.expire_contracts(session, today=today) == 1
    async with unit_of_work(ctx) as session:
        assert await lifecycle.expire_contracts(session, today=today) == 0  # idempotent
    statuses = {x["id"]: (await c.ok(await client.get(c.url(x["id"]), headers=p.seller)))["status"]
                for x in (ends_today, ended, filed_late)}
    assert statuses == {ends_today["id"]: "active", ended["id"]: "expired", filed_late["id"]: "filed"}
    events = await c.ok(await client.get(c.url(ended["id"], "events"), headers=p.seller))
    assert (events[-1]["fromStatus"], events[-1]["toStatus"]) == ("active", "expired")
    assert "system" in events[-1]["actorLabel"]


async def test_the_worker_round_expires_contracts(ctx, client, p):
    from backend.workers.main import run_worker

    ended = await c.active(client, p, validFrom=c.days(-10).isoformat(), validUntil=c.days(-1).isoformat())
    await run_worker(ctx.settings, interval_s=0, rounds=1)
    assert (await c.ok(await client.get(c.url(ended["id"]), headers=p.seller)))["status"] == "expired"


_ACTIONS = ("file", "confirm", "terminate", "complete")
_LEGAL = {"draft": {"file"}, "filed": {"confirm", "terminate"}, "active": {"terminate", "complete"}}
_TARGET = {"file": "filed", "confirm": "active", "terminate": "terminated", "complete": "completed"}


@pytest.mark.parametrize("status", ["draft", "filed", "active", "completed", "expired", "terminated"])
async def test_every_illegal_transition_is_409_naming_from_and_to(ctx, client, p, status):
    contract = await c.in_status(ctx, client, p, status)
    assert contract["status"] == status
    who = {"file": p.seller, "confirm": p.buyer, "terminate": p.seller, "complete": p.seller}
    illegal = [a for a in _ACTIONS if a not in _LEGAL.get(status, set())]
    assert illegal or status in ("draft", "filed", "active")
    for action in illegal:
        kwargs = {"json": {"reason": "测试终止"}} if action == "terminate" else {}
        response = await client.post(c.url(contract["id"], action), headers=who[action], **kwargs)
        refused = c.refusal(response, 409, "contract_illegal_transition", "status")
        arrow = f"{status} → {_TARGET[action]}"
        assert arrow in refused["message_en"] and arrow in refused["message_zh"], refused
    if status != "draft":  # only a draft changes
        for response in (
            await client.patch(c.url(contract["id"]), json={"priceFenPerT": 1}, headers=p.seller),
            await client.delete(c.url(contract["id"]), headers=p.seller),
            await c.upload(client, p.seller, contract["id"]),
        ):
            c.refusal(response, 409, "contract_not_draft", "status")
    after = await c.ok(await client.get(c.url(contract["id"]), headers=p.seller))
    assert after["status"] == status and after["updatedAt"] == contract["updatedAt"]
