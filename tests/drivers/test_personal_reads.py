"""Issue 12 §8 finding: no record of who read a driver's personal data. Now every read by someone else
(a carrier's fleet list, a regulator's driver page) is recorded — who, in which organisation and role,
whose data, which categories, which route, when, from which client — in one INSERT per page, never
with the data itself; the driver sees who looked, and auditors see everything in their remit."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import event, select

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.audit.models import PersonalRead
from tests import factories as f
from tests.drivers import helpers as h

UA = {"User-Agent": "audit-probe/1.0"}


async def _fleet(ctx: Context, client: httpx.AsyncClient, n: int) -> tuple[uuid.UUID, dict[str, str], list[dict[str, Any]]]:
    carrier, admin = await h.member(client, ctx, role="carrier_admin", kind="carrier", region_code="150602")
    regs = []
    for _ in range(n):
        reg, headers = await h.driver(client, ctx)
        await f.bind_driver(ctx, driver_id=reg["driver"]["id"], org_id=carrier)
        reg["driver"]["userId"] = (await client.get("/api/auth/me", headers=headers)).json()["userId"]
        regs.append(reg)
    return carrier, admin, regs


async def _rows(ctx: Context) -> list[PersonalRead]:
    async with unit_of_work(ctx) as session:
        return list((await session.execute(select(PersonalRead).order_by(PersonalRead.at))).scalars())


async def test_a_fleet_list_records_one_read_per_driver_in_one_insert(ctx: Context, client: httpx.AsyncClient) -> None:
    carrier, admin, regs = await _fleet(ctx, client, 3)
    inserts: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PERSONAL_READS"):
            inserts.append(statement)

    event.listen(ctx.engine.sync_engine, "before_cursor_execute", count)
    try:
        r = await client.get(f"/api/enterprise/orgs/{carrier}/fleet/drivers", headers={**admin, **UA})
    finally:
        event.remove(ctx.engine.sync_engine, "before_cursor_execute", count)
    assert r.status_code == 200 and r.json()["total"] == 3, r.text
    assert len(inserts) == 1  # one multi-row statement, not one per driver

    rows = await _rows(ctx)
    assert sorted(str(x.subject_user_id) for x in rows) == sorted(g["driver"]["userId"] for g in regs)
    for row in rows:
        assert row.actor_org_id == carrier and row.actor_role == "carrier_admin" and row.channel == "app"
        assert row.route == "GET /api/enterprise/orgs/{org_id}/fleet/drivers"
        assert "audit-probe/1.0" in row.client and row.subject_region_code == "150602"
        assert row.fields.split(",") == ["name", "id_number", "licence", "qualification", "real_name_status", "phone"]
    # Never the data itself: no name, phone or ID number anywhere in the rows.
    secrets = {v for g in regs for v in (g["driver"]["name"], g["driver"]["phone"], g["driver"]["idNumber"],
                                          g["driver"]["idNumberMasked"])}
    for row in rows:
        text = " ".join(str(getattr(row, c.key)) for c in PersonalRead.__table__.columns)
        assert not any(s in text for s in secrets if s), text


async def test_the_driver_sees_who_looked_and_a_regulator_by_name(ctx: Context, client: httpx.AsyncClient) -> None:
    carrier, admin, (reg,) = await _fleet(ctx, client, 1)
    driver_headers = {"Authorization": f"Bearer {reg['tokens']['accessToken']}"}
    assert (await client.get(f"/api/enterprise/orgs/{carrier}/fleet/drivers", headers=admin)).status_code == 200
    regulator = await h.regulator(client, ctx, "150602")
    r = await client.get(f"/api/regulator/drivers/{reg['driver']['id']}", headers=regulator)
    assert r.status_code == 200, r.text
    # His own reads of himself are not someone else's look.
    assert (await client.get("/api/driver/me", headers=driver_headers)).status_code == 200

    r = await client.get("/api/driver/me/reads", headers=driver_headers)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 2
    newest, oldest = page["items"]
    assert newest["roleZh"] == "监管" and newest["viewerName"] == "regulator用户" and newest["orgName"]
    assert oldest["roleZh"] == "承运商管理员" and oldest["viewerName"] is None  # company staff: org and role only
    assert oldest["orgName"].startswith("测试carrier") and "手机号" in oldest["fieldsZh"]
    assert "手机号" not in newest["fieldsZh"]  # a regulator sees the phone masked only, and the record says so

    page_html = await client.get("/driver/me/reads", headers=driver_headers)
    assert page_html.status_code == 200 and "谁查看了我的信息" in page_html.text and oldest["orgName"] in page_html.text

    # Someone else's reads are not his to see: the API answers for the caller only.
    other, other_headers = await h.driver(client, ctx)
    assert (await client.get("/api/driver/me/reads", headers=other_headers)).json()["total"] == 0


async def test_auditors_see_reads_in_their_remit_filtered_and_paginated(ctx: Context, client: httpx.AsyncClient) -> None:
    carrier, admin, regs = await _fleet(ctx, client, 3)
    assert (await client.get(f"/api/enterprise/orgs/{carrier}/fleet/drivers", headers=admin)).status_code == 200
    platform = await h.platform_admin(client, ctx)
    everything = (await client.get("/api/regulator/personal-reads", headers=platform)).json()
    assert everything["total"] == 3 and everything["items"][0]["actorOrgName"].startswith("测试carrier")

    subject = regs[1]["driver"]["userId"]
    one = (await client.get("/api/regulator/personal-reads", params={"subject_user_id": subject}, headers=platform)).json()
    assert [i["subjectUserId"] for i in one["items"]] == [subject]
    admin_id = one["items"][0]["actorUserId"]
    by_actor = (await client.get("/api/regulator/personal-reads", params={"actor_user_id": admin_id},
                                 headers=platform)).json()
    assert by_actor["total"] == 3
    nobody = (await client.get("/api/regulator/personal-reads", params={"actor_user_id": str(uuid.uuid4())},
                               headers=platform)).json()
    assert nobody["total"] == 0
    paged = (await client.get("/api/regulator/personal-reads", params={"limit": 2, "offset": 2}, headers=platform)).json()
    assert paged["total"] == 3 and len(paged["items"]) == 1

    here = await h.regulator(client, ctx, "150602")  # the drivers' region
    assert (await client.get("/api/regulator/personal-reads", headers=here)).json()["total"] == 3
    elsewhere = await h.regulator(client, ctx, "150303")  # Wuhai: none of his people
    assert (await client.get("/api/regulator/personal-reads", headers=elsewhere)).json()["total"] == 0
    # Not an auditor: a carrier's admin or a driver is refused by the regulator app's guard.
    assert (await client.get("/api/regulator/personal-reads", headers=admin)).status_code == 403

    page = await client.get("/regulator/personal-reads", headers=platform)
    assert page.status_code == 200 and "个人信息查阅记录" in page.text and subject in page.text


async def test_an_order_list_showing_the_drivers_name_is_recorded_as_a_read_of_his_name(
        ctx: Context, client: httpx.AsyncClient) -> None:
    from tests.orders import helpers as oh

    w = await oh.world(ctx, client)
    order, t = await oh.dispatched(ctx, client, w)
    r = await client.get("/api/mine/orders", headers=w.parties.sales)
    assert r.status_code == 200 and any(o["driverName"] for o in r.json()["items"]), r.text
    r = await client.get(f"/api/mine/orders/{order['id']}", headers=w.parties.sales)
    assert r.status_code == 200, r.text
    # The driver reading his own order is not a look by someone else.
    assert (await client.get(f"/api/driver/orders/{order['id']}", headers=t.headers)).status_code == 200
    mine = (await client.get("/api/driver/me/reads", headers=t.headers)).json()
    # The dispatcher who named him (the answer carries his name), then sales twice.
    assert mine["total"] == 3 and all(i["fieldsZh"] == ["姓名"] for i in mine["items"]), mine
    assert [i["roleZh"] for i in mine["items"]] == ["销售", "销售", "调度"]
    rows = await _rows(ctx)
    assert {x.route for x in rows} == {"POST /api/mine/orders/{order_id}/dispatch", "GET /api/mine/orders",
                                       "GET /api/mine/orders/{order_id}"}


async def test_a_system_reading_an_order_through_the_signed_interface_is_recorded_as_the_key(
        ctx: Context, client: httpx.AsyncClient, app: Any) -> None:
    from tests.orders import helpers as oh
    from tests.orders import pass_helpers as ph

    w = await oh.world(ctx, client)
    order, t = await oh.dispatched(ctx, client, w)
    erp = ph.machine(app, await ph.key(client, w.parties.seller_id, w.parties.seller))
    r = await erp.get(f"/open/v1/orders/{order['id']}")
    assert r.status_code == 200 and r.json()["order"]["driverName"], r.text
    (row,) = [x for x in await _rows(ctx) if x.channel == "interface"]
    assert row.actor_user_id is None and row.actor_label.startswith("接口 ") and row.channel == "interface"
    assert row.route == "GET /open/v1/orders/{order_id}" and row.actor_org_id == w.parties.seller_id
    seen = (await client.get("/api/driver/me/reads", headers=t.headers)).json()["items"]
    assert seen[0]["channelZh"] == "系统接口（企业系统、部门共享接口）" and seen[0]["orgName"]


async def test_the_export_hook_records_every_driver_in_the_file(ctx: Context, client: httpx.AsyncClient) -> None:
    """No export exists yet; the hook an export calls (drivers.record_export) records each person in it."""
    from backend.domain.drivers import service as drivers
    from backend.http.auth import build_principal

    _, _, regs = await _fleet(ctx, client, 2)
    regulator_id, _, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code="150602")
    async with unit_of_work(ctx) as session:
        me = await build_principal(ctx, user_id=regulator_id, session_id=None, client="test")
        assert me is not None
        n = await drivers.record_export(session, actor=me, driver_ids={uuid.UUID(g["driver"]["id"]) for g in regs},
                                        fields=("name", "id_number", "real_name_status"))
        await session.commit()
    assert n == 2
    rows = await _rows(ctx)
    assert {r.channel for r in rows} == {"export"} and {r.actor_role for r in rows} == {"regulator"}
    headers = {"Authorization": f"Bearer {regs[0]['tokens']['accessToken']}"}
    (seen,) = (await client.get("/api/driver/me/reads", headers=headers)).json()["items"]
    assert seen["channelZh"] == "导出" and seen["viewerName"] == "regulator用户"
