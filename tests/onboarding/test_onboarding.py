"""Vetted onboarding: an organisation registered by anyone but the platform waits for its region's
regulator; while pending it prepares its data but does not transact; names are unique per region
among active organisations."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from backend.db.unit import unit_of_work
from tests import factories as f
from tests.contracts import helpers as ch
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.sites import helpers as sh


def org_body(**overrides: Any) -> dict[str, Any]:
    body = {"name": "鄂托克前旗新开煤矿有限公司", "kind": "mine", "creditCode": f.credit_code("150623"), "regionCode": "150623"}
    body.update(overrides)
    return body


async def _register(client, headers, **overrides: Any) -> dict[str, Any]:
    r = await client.post("/api/enterprise/orgs", json=org_body(**overrides), headers=headers)
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


def _pending(r, field: str | None = None) -> None:
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "org_pending" and body["field"] == field
    assert "审核" in body["message_zh"] and "review" in body["message_en"]


async def test_a_driver_registering_an_org_gets_a_pending_one_that_cannot_transact_until_approved(client, ctx):
    """Finding: anyone signed in (a driver too) created an organisation, active at once."""
    registered, driver = await dh.driver(client, ctx)
    org = await _register(client, driver)
    assert org["status"] == "pending" and org["submittedAt"] is not None
    # Now its administrator, he signs in again with a second factor (enrolling) and confirms the grant.
    driver = await f.login(client, registered["driver"]["phone"], dh.PASSWORD)
    await f.step_up(client, driver)
    # It prepares its data: a site, a member invitation...
    await sh.create_site(client, driver, org["id"])
    invited = await client.post(f"/api/enterprise/orgs/{org['id']}/users", json={"phone": "13700005555", "role": "sales"},
                                headers=driver)
    assert invited.status_code == 201, invited.text
    # ...but neither issues machine keys nor drafts contracts as a seller.
    _pending(await client.post(f"/api/enterprise/orgs/{org['id']}/keys", json={"name": "ERP"}, headers=driver))
    _, buyer_id, _ = await sh.member(ctx, client, role="enterprise_admin", kind="consumer_power", region_code="150621")
    contract = ch.body(ch.Parties(org["id"], driver, driver, buyer_id, {}, {}))
    _pending(await client.post("/api/enterprise/contracts", json=contract, headers=driver), "sellerOrgId")
    # The region's regulator approves it: now it transacts.
    regulator = await dh.regulator(client, ctx, "150623")
    queue = (await client.get("/api/regulator/orgs?status=pending", headers=regulator)).json()
    assert [o["id"] for o in queue["items"]] == [org["id"]]
    approved = await client.post(f"/api/regulator/orgs/{org['id']}/review", json={"decision": "approve"}, headers=regulator)
    assert approved.status_code == 200 and approved.json()["status"] == "active", approved.text
    assert (await client.post(f"/api/enterprise/orgs/{org['id']}/keys", json={"name": "ERP"}, headers=driver)).status_code == 201
    assert (await client.post("/api/enterprise/contracts", json=contract, headers=driver)).status_code == 201


async def test_a_pending_carrier_is_not_named_on_orders_and_a_pending_seller_does_not_issue(client, ctx):
    w = await oh.world(ctx, client)
    _, applicant = await dh.driver(client, ctx)
    carrier = await _register(client, applicant, kind="carrier", name="新申运输有限公司")
    r = await client.post("/api/mine/orders", json=oh.issue_body(w, carrierOrgId=carrier["id"]), headers=w.parties.sales)
    _pending(r, "carrierOrgId")
    # The issuing path asks the seller's own status too (a seller under review issues nothing).
    async with unit_of_work(ctx) as session:
        await session.execute(text("UPDATE organisations SET status = 'pending' WHERE id = :id"),
                              {"id": str(w.parties.seller_id).replace("-", "") if ctx.settings.is_sqlite else w.parties.seller_id})
    _pending(await client.post("/api/mine/orders", json=oh.issue_body(w), headers=w.parties.sales))


async def test_platform_created_orgs_are_active_at_once(client, ctx):
    _, number = await f.make_user(ctx, admin=True)
    headers = await f.login(client, number)
    org = await _register(client, headers)
    assert org["status"] == "active"


async def test_names_are_unique_per_region_among_active_organisations(client, ctx):
    """Finding: a second carrier with another's exact name was accepted."""
    await f.make_org(ctx, kind="carrier", region_code="150623", name="鄂尔多斯示范运输有限公司")
    _, number = await f.make_user(ctx)
    headers = await f.login(client, number)
    r = await client.post("/api/enterprise/orgs", json=org_body(kind="carrier", name="鄂尔多斯示范运输有限公司"), headers=headers)
    assert r.status_code == 409 and (r.json()["code"], r.json()["field"]) == ("org_name_taken", "name")
    # Another region may hold the name; two applicants may ask for one name, only one is approved.
    await _register(client, headers, kind="carrier", name="鄂尔多斯示范运输有限公司", regionCode="150303",
                    creditCode=f.credit_code("150303"))
    first = await _register(client, headers, name="同名申请煤矿")
    second = await _register(client, headers, name="同名申请煤矿")
    regulator = await dh.regulator(client, ctx, "150600")
    ok = await client.post(f"/api/regulator/orgs/{first['id']}/review", json={"decision": "approve"}, headers=regulator)
    assert ok.status_code == 200, ok.text
    twin = await client.post(f"/api/regulator/orgs/{second['id']}/review", json={"decision": "approve"}, headers=regulator)
    assert twin.status_code == 409 and twin.json()["code"] == "org_name_taken"
    # Renaming an active organisation onto an active name of its region is refused too.
    await f.make_org(ctx, kind="mine", region_code="150623", name="已在册煤矿")
    clash = await client.patch(f"/api/enterprise/orgs/{first['id']}", json={"name": "已在册煤矿"}, headers=headers)
    assert clash.status_code == 409 and clash.json()["code"] == "org_name_taken"


async def test_the_database_holds_active_names_unique_per_region(ctx):
    a = await f.make_org(ctx, region_code="150623", name="索引煤矿甲")
    b = await f.make_org(ctx, region_code="150623", name="索引煤矿乙")
    with pytest.raises(IntegrityError):
        async with unit_of_work(ctx) as session:
            await session.execute(text("UPDATE organisations SET name = '索引煤矿甲' WHERE id = :id"),
                                  {"id": b.hex if ctx.settings.is_sqlite else b})
    async with unit_of_work(ctx) as session:  # a suspended one may share it
        await session.execute(text("UPDATE organisations SET status = 'suspended' WHERE id = :id"),
                              {"id": a.hex if ctx.settings.is_sqlite else a})
        await session.execute(text("UPDATE organisations SET name = '索引煤矿甲' WHERE id = :id"),
                              {"id": b.hex if ctx.settings.is_sqlite else b})


async def test_refusal_with_a_reason_then_correction_and_resubmission(client, ctx):
    _, number = await f.make_user(ctx)
    headers = await f.login(client, number)
    org = await _register(client, headers, name="错名煤矿")
    scan = await client.put(f"/api/enterprise/orgs/{org['id']}/scans?title=营业执照", content=ch.PDF,
                            headers={**headers, "Content-Type": "application/pdf"})
    assert scan.status_code == 201, scan.text
    bad = await client.put(f"/api/enterprise/orgs/{org['id']}/scans", content=b"not a scan", headers=headers)
    assert bad.status_code == 422 and bad.json()["code"] == "scan_invalid"
    outsider = await dh.regulator(client, ctx, "150300")  # Wuhai: not its region
    assert (await client.post(f"/api/regulator/orgs/{org['id']}/review", json={"decision": "approve"},
                              headers=outsider)).status_code == 404
    regulator = await dh.regulator(client, ctx, "150623")
    scans = (await client.get(f"/api/regulator/orgs/{org['id']}/scans", headers=regulator)).json()
    assert [s["title"] for s in scans] == ["营业执照"]
    got = await client.get(f"/api/regulator/orgs/{org['id']}/scans/{scans[0]['id']}", headers=regulator)
    assert got.status_code == 200 and got.content == ch.PDF
    no_reason = await client.post(f"/api/regulator/orgs/{org['id']}/review", json={"decision": "refuse"}, headers=regulator)
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    # Suspension is not a way around the review.
    await f.step_up(client, regulator)
    skip = await client.post(f"/api/regulator/orgs/{org['id']}/status", json={"status": "active", "reason": "直接通过"},
                             headers=regulator)
    assert skip.status_code == 409 and skip.json()["code"] == "org_pending"
    refused = await client.post(f"/api/regulator/orgs/{org['id']}/review",
                                json={"decision": "refuse", "reason": "名称与营业执照不符"}, headers=regulator)
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    mine = (await client.get(f"/api/enterprise/orgs/{org['id']}", headers=headers)).json()
    assert (mine["status"], mine["statusReason"]) == ("refused", "名称与营业执照不符")
    inbox = (await client.get("/api/notices/inbox", headers=headers)).json()
    assert any("名称与营业执照不符" in n["bodyZh"] for n in inbox["items"]), inbox
    again = await client.post(f"/api/regulator/orgs/{org['id']}/review", json={"decision": "approve"}, headers=regulator)
    assert again.status_code == 409 and again.json()["code"] == "org_not_pending"
    assert (await client.patch(f"/api/enterprise/orgs/{org['id']}", json={"name": "正名煤矿"}, headers=headers)).status_code == 200
    resubmitted = await client.post(f"/api/enterprise/orgs/{org['id']}/resubmit", headers=headers)
    assert resubmitted.status_code == 200 and resubmitted.json()["status"] == "pending"
    approved = await client.post(f"/api/regulator/orgs/{org['id']}/review", json={"decision": "approve"}, headers=regulator)
    assert approved.json()["status"] == "active" and approved.json()["name"] == "正名煤矿"
    trail = await client.get(f"/api/enterprise/orgs/{org['id']}/audit", headers=headers)
    actions = [e["action"] for e in trail.json()]
    for action in ("org.create", "org.scan", "org.review.refuse", "org.resubmit", "org.review.approve"):
        assert action in actions
    # The suspend / reinstate flow still works on the now active organisation.
    suspended = await client.post(f"/api/regulator/orgs/{org['id']}/status", json={"status": "suspended", "reason": "整改"},
                                  headers=regulator)
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"


async def test_members_of_an_org_do_not_review_it(client, ctx):
    _, number = await f.make_user(ctx)
    headers = await f.login(client, number)
    org = await _register(client, headers)
    r = await client.post(f"/api/regulator/orgs/{org['id']}/review", json={"decision": "approve"}, headers=headers)
    assert r.status_code == 403


async def test_the_regions_regulators_hear_of_an_application(client, ctx):
    city = await dh.regulator(client, ctx, "150600")
    elsewhere = await dh.regulator(client, ctx, "150300")
    _, number = await f.make_user(ctx)
    headers = await f.login(client, number)
    await _register(client, headers, name="通知煤矿")
    told = (await client.get("/api/notices/inbox", headers=city)).json()
    assert [n["bodyZh"] for n in told["items"] if "通知煤矿" in n["bodyZh"]], told
    assert not [n for n in (await client.get("/api/notices/inbox", headers=elsewhere)).json()["items"]
                if "通知煤矿" in n["bodyZh"]]
