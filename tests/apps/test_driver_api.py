"""The driver app's API: my record, my vehicles."""

from __future__ import annotations

import uuid

from backend.db.unit import unit_of_work
from tests import factories as f
from tests.drivers import helpers as h


async def test_me_and_update(client, ctx):
    body, headers = await h.driver(client, ctx)
    me = (await client.get("/api/driver/me", headers=headers)).json()
    assert me["id"] == body["driver"]["id"] and me["drivingLicenceNo"] == me["idNumber"]
    r = await client.patch("/api/driver/me", json={"drivingLicenceNo": "150602123456", "qualificationCertNo": "qc 1506 0200 99",
                                                  "regionCode": "150627"}, headers=headers)
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["drivingLicenceNo"] == "150602123456" and me["drivingLicenceNoMasked"] == "1506****3456"
    assert me["qualificationCertNo"] == "QC1506020099" and me["regionCode"] == "150627"
    assert me["realNameStatus"] == "verified"
    bad = await client.patch("/api/driver/me", json={"regionCode": "12"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["field"] == "regionCode"
    unknown = await client.patch("/api/driver/me", json={"idNumber": "x"}, headers=headers)
    assert unknown.status_code == 400  # the ID number is not changeable: unknown fields are refused


async def test_me_needs_login_and_a_driver_record(client, ctx):
    assert (await client.get("/api/driver/me")).status_code == 401
    _, staff = await h.member(client, ctx, role="sales")
    r = await client.get("/api/driver/me", headers=staff)
    assert r.status_code == 404


async def test_vehicles_add_list_retire(client, ctx):
    _, headers = await h.driver(client, ctx)
    nev = h.vehicle_body(plate="蒙K12345D", plateColour="yellow_green", energyType="electric", terminalPhone="013912345678")
    r = await client.post("/api/driver/vehicles", json=nev, headers=headers)
    assert r.status_code == 201, r.text
    v = r.json()
    assert v["newEnergy"] is True and v["energyTypeLabel"] == {"zh": "纯电动", "en": "battery electric"}
    assert v["plateColourLabel"]["zh"] == "黄绿牌" and v["legalGrossKg"] == 49_000 and v["terminalPhone"] == "013912345678"
    again = await client.post("/api/driver/vehicles", json=nev, headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "plate_taken" and again.json()["field"] == "plate"
    listed = (await client.get("/api/driver/vehicles", headers=headers)).json()
    assert [x["plate"] for x in listed] == ["蒙K12345D"]
    retired = await client.post(f"/api/driver/vehicles/{v['id']}/retire", headers=headers)
    assert retired.status_code == 200 and retired.json()["status"] == "retired"
    # A retired plate is free again (sold truck, new owner).
    assert (await client.post("/api/driver/vehicles", json=nev, headers=headers)).status_code == 201


async def test_vehicle_checks_name_their_fields(client, ctx):
    _, headers = await h.driver(client, ctx)
    cases = [
        ({"plate": "蒙K1234"}, "plate", "plate_format"),
        ({"plate": "XK12345"}, "plate", "plate_province"),
        ({"plateColour": "green"}, "plateColour", "plate_colour"),
        ({"body": "truck", "axleCount": 5}, "axleCount", "vehicle_axles"),
        ({"body": "van"}, "body", "vehicle_body"),
        ({"energyType": "hydrogen"}, "energyType", "vehicle_energy_plate"),
        ({"ratedLoadKg": 500}, "ratedLoadKg", "vehicle_rated_load"),
        ({"terminalPhone": "1391234"}, "terminalPhone", "terminal_phone_format"),
        ({"terminalPhone": "１３９１２３４５６７８"}, "terminalPhone", "terminal_phone_format"),  # full-width digits
    ]
    for overrides, field, code in cases:
        r = await client.post("/api/driver/vehicles", json=h.vehicle_body(**overrides), headers=headers)
        assert r.status_code == 422, (overrides, r.text)
        assert (r.json()["field"], r.json()["code"]) == (field, code), overrides


async def test_another_driver_cannot_retire_my_vehicle(client, ctx):
    body, _ = await h.driver(client, ctx, vehicle=h.vehicle_body())
    _, other = await h.driver(client, ctx)
    mine = await client.get("/api/driver/vehicles", headers={"Authorization": f"Bearer {body['tokens']['accessToken']}"})
    vehicle_id = mine.json()[0]["id"]
    r = await client.post(f"/api/driver/vehicles/{vehicle_id}/retire", headers=other)
    assert r.status_code == 404
    assert (await client.get("/api/driver/vehicles", headers=other)).json() == []


async def test_blacklisted_driver_cannot_add_vehicles(client, ctx):
    from backend.domain.drivers import service as drivers
    from backend.domain.drivers.schemas import DriverStatusChange

    body, headers = await h.driver(client, ctx)
    admin_id, _ = await f.make_user(ctx, admin=True)
    async with unit_of_work(ctx) as session:
        out = await drivers.change_status(session, ctx=ctx, actor=f.platform_principal(admin_id),
                                          driver_id=uuid.UUID(body["driver"]["id"]),
                                          data=DriverStatusChange(status="blacklisted", reason="多次超载"))
    assert out.status == "blacklisted" and out.id_number is None
    r = await client.post("/api/driver/vehicles", json=h.vehicle_body(), headers=headers)
    assert r.status_code == 403 and r.json()["code"] == "driver_blacklisted"
