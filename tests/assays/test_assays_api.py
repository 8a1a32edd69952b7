"""Assays by hand and over /open/v1: recorded on a valid ticket of the contract, values bounded, the scan
checked by its magic number, an idempotent upsert by report number, visibility, and quality_for."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, select

from backend.db.unit import unit_of_work
from backend.domain.assays import service as assays
from backend.domain.assays.models import Assay
from backend.domain.audit.models import AuditEntry
from tests.assays import helpers as a
from tests.contracts import helpers as c
from tests.orders import pass_helpers as ph
from tests.sites import helpers as h


async def _count(ctx) -> int:
    async with unit_of_work(ctx) as session:
        return int((await session.execute(select(func.count()).select_from(Assay))).scalar_one())


async def test_hand_assay_with_scan_seen_by_both_parties_not_by_strangers(ctx, client, app):
    lab = await a.lab_world(ctx, client, app)
    p = lab.p
    made = await c.ok(
        await client.post(a.assays_url(lab.contract_id), json=a.load_body(lab.ticket_no), headers=p.buyer),
        201,
    )
    assert (made["qnetArKcalPerKg"], made["mtBp"], made["adBp"], made["stDBp"]) == (4260, 1400, 1825, 62)
    assert made["source"] == "hand" and made["scanSha256"] is None and made["qnetInputUnit"] == "kcal_per_kg"
    scanned = await c.ok(
        await client.put(
            f"/api/enterprise/assays/{made['id']}/scan",
            content=a.PNG,
            headers={**p.buyer, "Content-Type": "image/png"},
        )
    )
    assert scanned["scanMediaType"] == "image/png"
    got = await client.get(f"/api/enterprise/assays/{made['id']}/scan", headers=p.seller)
    assert (
        got.status_code == 200
        and got.content == a.PNG
        and got.headers["content-type"].startswith("image/png")
    )
    listed = await c.ok(await client.get(a.assays_url(lab.contract_id), headers=p.seller))
    assert listed["total"] == 1 and listed["items"][0]["reportNo"] == "HY20261207-001"
    _, _, stranger = await h.member(ctx, client, role="enterprise_admin", kind="trader")
    for path in (
        a.assays_url(lab.contract_id),
        f"/api/enterprise/assays/{made['id']}",
        f"/api/enterprise/assays/{made['id']}/scan",
    ):
        c.refusal(await client.get(path, headers=stranger), 404, "not_found", None)
    c.refusal(
        await client.post(
            a.assays_url(lab.contract_id), json=a.load_body(lab.ticket_no, reportNo="X1"), headers=stranger
        ),
        404,
        "not_found",
        None,
    )
    c.refusal(
        await client.put(
            f"/api/enterprise/assays/{made['id']}/scan",
            content=a.PNG,
            headers={**stranger, "Content-Type": "image/png"},
        ),
        404,
        "not_found",
        None,
    )
    # the seller may read it, but the scan is the buyer's report: 403
    c.refusal(
        await client.put(
            f"/api/enterprise/assays/{made['id']}/scan",
            content=a.PNG,
            headers={**p.seller, "Content-Type": "image/png"},
        ),
        403,
        "forbidden",
        None,
    )
    async with unit_of_work(ctx) as session:
        actions = (
            await session.execute(select(AuditEntry.action).where(AuditEntry.entity_id == made["id"]))
        ).scalars()
        assert sorted(actions) == ["assay.record", "assay.scan"]


async def test_bad_assays_name_the_field_and_store_nothing(ctx, client, app):
    lab = await a.lab_world(ctx, client, app)
    p = lab.p
    other = await c.active(client, p)  # the same parties' second contract: the ticket is not its own
    cases = [
        (lab.contract_id, a.load_body("PD00000000000000"), "assay_ticket_unknown", "ticketNo"),
        (other["id"], a.load_body(lab.ticket_no), "assay_ticket_other_contract", "ticketNo"),
        (
            lab.contract_id,
            a.load_body(lab.ticket_no, qnetArKcalPerKg=8001),
            "quality_out_of_range",
            "qnetArKcalPerKg",
        ),
        (
            lab.contract_id,
            a.load_body(lab.ticket_no, qnetArKcalPerKg="3.9"),
            "quality_out_of_range",
            "qnetArKcalPerKg",
        ),
        (lab.contract_id, a.load_body(lab.ticket_no, mtPct="100.01"), "quality_out_of_range", "mtPct"),
        (lab.contract_id, a.load_body(lab.ticket_no, adPct="12.345"), "quality_out_of_range", "adPct"),
        (lab.contract_id, a.load_body(lab.ticket_no, stDPct=-1), "quality_out_of_range", "stDPct"),
        (lab.contract_id, a.load_body(None), "assay_invalid", "ticketNo"),
        (lab.contract_id, {**a.load_body(None), "scope": "batch"}, "assay_invalid", "batchDate"),
        (lab.contract_id, a.load_body(lab.ticket_no, testedOn="1999-01-01"), "assay_invalid", "testedOn"),
        (
            lab.contract_id,
            a.load_body(lab.ticket_no, qnetArKcalPerKg=None, mtPct=None, adPct=None, stDPct=None),
            "assay_invalid",
            "qnetArKcalPerKg",
        ),
    ]
    for contract_id, body, code, field in cases:
        c.refusal(await client.post(a.assays_url(contract_id), json=body, headers=p.buyer), 422, code, field)
    assert (
        await client.post(
            a.assays_url(lab.contract_id), json=a.load_body(lab.ticket_no, mtPct="NaN"), headers=p.buyer
        )
    ).status_code == 400
    assert await _count(ctx) == 0
    made = await c.ok(
        await client.post(a.assays_url(lab.contract_id), json=a.load_body(lab.ticket_no), headers=p.buyer),
        201,
    )
    c.refusal(
        await client.post(a.assays_url(lab.contract_id), json=a.load_body(lab.ticket_no), headers=p.buyer),
        409,
        "assay_report_taken",
        "reportNo",
    )
    for data, code, status in (
        (b"GIF89a....", "assay_scan_invalid", 422),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024), "assay_scan_too_large", 413),
    ):
        c.refusal(
            await client.put(
                f"/api/enterprise/assays/{made['id']}/scan",
                content=data,
                headers={**p.buyer, "Content-Type": "application/pdf"},
            ),
            status,
            code,
            "file",
        )
    c.refusal(
        await client.get(f"/api/enterprise/assays/{made['id']}/scan", headers=p.buyer),
        404,
        "not_found",
        "file",
    )
    assert await _count(ctx) == 1


async def test_open_api_upsert_is_idempotent_and_a_correction_updates(ctx, client, app):
    lab = await a.lab_world(ctx, client, app)
    p = lab.p
    key = await ph.key(client, p.buyer_id, p.buyer)
    body = {
        **a.load_body(lab.ticket_no, qnetArKcalPerKg="17.83"),
        "contractNo": lab.lw.gw.w.contract["contractNo"],
    }
    del body["reportNo"]
    async with a.erp(app, key) as lims:
        first = await lims.put("/open/v1/assays/HY-9001", json=body)
        assert first.status_code == 201, first.text
        assert first.json()["qnetArKcalPerKg"] == 4264 and first.json()["qnetInputUnit"] == "mj_per_kg"
        again = await lims.put("/open/v1/assays/HY-9001", json=body)
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        assert again.json()["updatedAt"] == first.json()["updatedAt"]
        fixed = await lims.put("/open/v1/assays/HY-9001", json={**body, "mtPct": "16.5"})
        assert fixed.status_code == 200 and fixed.json()["mtBp"] == 1650
        wrong = await lims.put("/open/v1/assays/HY-9002", json={**body, "contractNo": "NO-SUCH"})
        assert wrong.status_code == 404 and wrong.json()["field"] == "contractNo"
        bad = await lims.put("/open/v1/assays/HY-9003", json={**body, "ticketNo": "PD0000"})
        assert bad.status_code == 422 and bad.json()["field"] == "ticketNo"
    unsigned = await client.put("/open/v1/assays/HY-9001", json=body)
    assert unsigned.status_code == 401
    async with unit_of_work(ctx) as session:
        assert (await session.execute(select(func.count()).select_from(Assay))).scalar_one() == 1
        actions = sorted(
            (
                await session.execute(
                    select(AuditEntry.action).where(AuditEntry.entity_id == first.json()["id"])
                )
            ).scalars()
        )
        assert actions == ["assay.record", "assay.update"]


async def test_quality_for_prefers_the_load_assay_then_the_days_batch_of_the_named_lab(ctx, client, app):
    lab = await a.lab_world(ctx, client, app)
    p = lab.p
    batch = {
        **a.load_body(None, reportNo="B-1", qnetArKcalPerKg=3900, mtPct="15.5"),
        "scope": "batch",
        "batchDate": lab.ticket_day,
    }
    await c.ok(await client.post(a.assays_url(lab.contract_id), json=batch, headers=p.buyer), 201)
    mine_lab = a.load_body(lab.ticket_no, reportNo="M-1", lab="mine", qnetArKcalPerKg=4500)
    await c.ok(await client.post(a.assays_url(lab.contract_id), json=mine_lab, headers=p.seller), 201)
    contract_id = uuid.UUID(lab.contract_id)
    async with unit_of_work(ctx) as session:
        got = await assays.quality_for(
            session, contract_id=contract_id, ticket_nos=[lab.ticket_no, "NOPE"], lab="buyer"
        )
        assert list(got) == [lab.ticket_no]
        assert got[lab.ticket_no].qnet_ar_kcal_per_kg == Decimal(3900) and got[
            lab.ticket_no
        ].mt_pct == Decimal("15.5")
        mine = await assays.quality_for(
            session, contract_id=contract_id, ticket_nos=[lab.ticket_no], lab="mine"
        )
        assert mine[lab.ticket_no].qnet_ar_kcal_per_kg == Decimal(4500)
        assert (
            await assays.quality_for(
                session, contract_id=contract_id, ticket_nos=[lab.ticket_no], lab="third_party"
            )
            == {}
        )
    await c.ok(
        await client.post(a.assays_url(lab.contract_id), json=a.load_body(lab.ticket_no), headers=p.buyer),
        201,
    )
    async with unit_of_work(ctx) as session:
        got = await assays.quality_for(
            session, contract_id=contract_id, ticket_nos=[lab.ticket_no], lab="buyer"
        )
        assert got[lab.ticket_no].qnet_ar_kcal_per_kg == Decimal(4260) and got[
            lab.ticket_no
        ].mt_pct == Decimal(14)


async def test_the_same_report_sent_twice_at_once_is_recorded_once(ctx, client, app):
    import asyncio

    lab = await a.lab_world(ctx, client, app)
    p = lab.p
    key = await ph.key(client, p.buyer_id, p.buyer)
    body = {**a.load_body(lab.ticket_no), "contractNo": lab.lw.gw.w.contract["contractNo"]}
    del body["reportNo"]
    async with a.erp(app, key) as one, a.erp(app, key) as two:
        answers = await asyncio.gather(
            one.put("/open/v1/assays/HY-RACE", json=body), two.put("/open/v1/assays/HY-RACE", json=body)
        )
    assert sorted(r.status_code for r in answers) == [200, 201], [r.text for r in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert await _count(ctx) == 1
