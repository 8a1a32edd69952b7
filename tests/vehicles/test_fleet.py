"""Carriers' fleets: bound drivers and carrier-owned vehicles, with who may do what."""

from __future__ import annotations

from tests.drivers import helpers as h


async def _carrier(client, ctx, region_code: str = "150623"):
    return await h.member(client, ctx, role="carrier_admin", kind="carrier", region_code=region_code)


async def test_carrier_vehicles_take_the_carriers_region_and_are_checked(client, ctx):
    org_id, admin = await _carrier(client, ctx)
    r = await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", json=h.vehicle_body(), headers=admin)
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["carrierOrgId"] == str(org_id) and v["ownerDriverId"] is None and v["regionCode"] == "150623"
    bad = await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles",
                            json=h.vehicle_body(body="truck", axleCount=6), headers=admin)
    assert bad.status_code == 422 and bad.json()["field"] == "axleCount"
    dup = await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles",
                            json=h.vehicle_body(plate=v["plate"]), headers=admin)
    assert dup.status_code == 409 and dup.json()["code"] == "plate_taken"
    page = (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", headers=admin)).json()
    assert page["total"] == 1 and page["items"][0]["id"] == v["id"]
    retired = await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles/{v['id']}/retire", headers=admin)
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    active = (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles?status=active", headers=admin)).json()
    assert active["total"] == 0


async def test_dispatcher_reads_but_does_not_change(client, ctx):
    org_id, admin = await _carrier(client, ctx)
    _, dispatcher = await h.member(client, ctx, role="dispatcher", org_id=org_id)
    v = (await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", json=h.vehicle_body(), headers=admin)).json()
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", headers=dispatcher)).status_code == 200
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/drivers", headers=dispatcher)).status_code == 200
    for method, url, body in [
        ("POST", f"/api/enterprise/orgs/{org_id}/fleet/vehicles", h.vehicle_body()),
        ("POST", f"/api/enterprise/orgs/{org_id}/fleet/vehicles/{v['id']}/retire", None),
        ("POST", f"/api/enterprise/orgs/{org_id}/fleet/drivers", {"phone": "13900000001"}),
    ]:
        r = await client.request(method, url, json=body, headers=dispatcher)
        assert r.status_code == 403, (url, r.text)


async def test_a_carriers_finance_member_is_refused_the_fleet(client, ctx):
    org_id, _ = await _carrier(client, ctx)
    _, finance = await h.member(client, ctx, role="finance", org_id=org_id)
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", headers=finance)).status_code == 403


async def test_fleet_of_a_non_carrier_is_not_found(client, ctx):
    org_id, admin = await h.member(client, ctx, role="enterprise_admin", kind="mine")
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", headers=admin)).status_code == 404


async def test_bind_and_unbind_a_driver(client, ctx):
    org_id, admin = await _carrier(client, ctx)
    body, driver_headers = await h.driver(client, ctx)
    phone = body["driver"]["phone"]
    await h.bind(client, carrier=org_id, carrier_admin=admin, driver_phone=phone, driver_headers=driver_headers)
    listed = (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/drivers", headers=admin)).json()
    assert listed["items"][0]["phone"] == phone and listed["items"][0]["idNumber"] is None  # he is called; no ID
    assert (await client.get("/api/driver/me", headers=driver_headers)).json()["carrierOrgId"] == str(org_id)
    # Bound elsewhere: another carrier may invite him, but he stays unless he accepts and confirms the move.
    other_org, other_admin = await _carrier(client, ctx)
    invited = await client.post(f"/api/enterprise/orgs/{other_org}/fleet/drivers", json={"phone": phone}, headers=other_admin)
    assert invited.status_code == 201 and invited.json()["status"] == "pending"
    assert (await client.get("/api/driver/me", headers=driver_headers)).json()["carrierOrgId"] == str(org_id)
    # The other carrier cannot unbind him either: for it he is not in the fleet.
    driver_id = body["driver"]["id"]
    assert (await client.delete(f"/api/enterprise/orgs/{other_org}/fleet/drivers/{driver_id}", headers=other_admin)).status_code == 404
    gone = await client.delete(f"/api/enterprise/orgs/{org_id}/fleet/drivers/{driver_id}", headers=admin)
    assert gone.status_code == 204
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/drivers", headers=admin)).json()["total"] == 0


async def test_regulators_see_their_region_read_only(client, ctx):
    org_id, admin = await _carrier(client, ctx, region_code="150623")
    v = (await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", json=h.vehicle_body(), headers=admin)).json()
    ordos = await h.regulator(client, ctx, "150600")
    wuhai = await h.regulator(client, ctx, "150300")
    page = await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", headers=ordos)
    assert page.status_code == 200 and page.json()["total"] == 1
    retire = await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles/{v['id']}/retire", headers=ordos)
    assert retire.status_code == 403
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", headers=wuhai)).status_code == 404


async def test_platform_admin_sees_and_changes_any_fleet(client, ctx):
    org_id, admin = await _carrier(client, ctx)
    v = (await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", json=h.vehicle_body(), headers=admin)).json()
    platform = await h.platform_admin(client, ctx)
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", headers=platform)).json()["total"] == 1
    r = await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles/{v['id']}/retire", headers=platform)
    assert r.status_code == 200


async def test_paging(client, ctx):
    org_id, admin = await _carrier(client, ctx)
    for _ in range(3):
        assert (await client.post(f"/api/enterprise/orgs/{org_id}/fleet/vehicles", json=h.vehicle_body(), headers=admin)).status_code == 201
    page = (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles?offset=1&limit=1", headers=admin)).json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["offset"] == 1
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/fleet/vehicles?limit=0", headers=admin)).status_code == 400
