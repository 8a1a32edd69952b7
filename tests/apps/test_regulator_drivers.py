"""Regulators blacklist drivers of their region; a blacklisted driver cannot use the platform's
driver functions until reinstated; other regions' regulators cannot even see the driver."""

from __future__ import annotations

from tests.drivers import helpers as h


async def test_regulator_blacklists_a_driver_of_its_region_only(client, ctx):
    body, driver_headers = await h.driver(client, ctx, regionCode="150623")
    driver_id = body["driver"]["id"]
    local = await h.regulator(client, ctx, "150623")
    city = await h.regulator(client, ctx, "150600")
    wuhai = await h.regulator(client, ctx, "150300")
    for regulator in (local, wuhai):  # blacklisting asks for the TOTP code again
        await h.f.step_up(client, regulator)

    seen = await client.get(f"/api/regulator/drivers/{driver_id}", headers=city)
    assert seen.status_code == 200
    assert "*" in seen.json()["idNumberMasked"] and seen.json().get("idNumber") is None
    assert (await client.get(f"/api/regulator/drivers/{driver_id}", headers=wuhai)).status_code == 404
    denied = await client.post(f"/api/regulator/drivers/{driver_id}/status", headers=wuhai,
                               json={"status": "blacklisted", "reason": "伪造磅单"})
    assert denied.status_code == 404

    r = await client.post(f"/api/regulator/drivers/{driver_id}/status", headers=local,
                          json={"status": "blacklisted", "reason": "多次伪造磅单"})
    assert r.status_code == 200 and r.json()["status"] == "blacklisted"
    # A driver cannot blacklist or reinstate himself through the regulator API.
    own = await client.post(f"/api/regulator/drivers/{driver_id}/status", headers=driver_headers,
                            json={"status": "active", "reason": "自行恢复"})
    assert own.status_code == 403
    # Blacklisted: no new vehicles until reinstated.
    add = await client.post("/api/driver/vehicles", headers=driver_headers, json=h.vehicle_body())
    assert add.status_code == 403
    back = await client.post(f"/api/regulator/drivers/{driver_id}/status", headers=local,
                             json={"status": "active", "reason": "整改完成"})
    assert back.status_code == 200
    add = await client.post("/api/driver/vehicles", headers=driver_headers, json=h.vehicle_body())
    assert add.status_code == 201, add.text
