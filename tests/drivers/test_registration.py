"""Driver self-registration through the API: one transaction, every refusal on its field."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text

from backend.checks.idcard import make_id_card
from backend.db.unit import unit_of_work
from tests import factories as f
from tests.drivers import helpers as h


async def _count(ctx, sql: str, **params) -> int:
    async with unit_of_work(ctx) as session:
        return int((await session.execute(text(sql), params)).scalar_one())


async def test_happy_path_creates_user_driver_vehicle_and_logs_in(client, ctx):
    phone = f.phone()
    id_number = f.id_card()
    vehicle = h.vehicle_body()
    r = await h.register(client, ctx, phone=phone, id_number=id_number, vehicle=vehicle)
    assert r.status_code == 201, r.text
    body = r.json()
    driver = body["driver"]
    assert driver["idNumber"] == id_number  # shown to the driver himself
    assert driver["idNumberMasked"] == id_number[:6] + "********" + id_number[-4:]
    assert driver["realNameStatus"] == "verified" and driver["verifiedBy"] == "format-check"
    assert driver["status"] == "active" and driver["phone"] == phone and driver["regionCode"] == "150602"
    assert body["tokens"]["accessToken"] and body["tokens"]["refreshToken"]
    assert "mt_access" in r.headers.get("set-cookie", "")

    headers = {"Authorization": f"Bearer {body['tokens']['accessToken']}"}
    me = await client.get("/api/driver/me", headers=headers)
    assert me.status_code == 200 and me.json()["idNumber"] == id_number
    who = await client.get("/api/auth/me", headers=headers)
    assert "driver" in who.json()["roles"]
    vehicles = (await client.get("/api/driver/vehicles", headers=headers)).json()
    assert [v["plate"] for v in vehicles] == [vehicle["plate"]]
    assert vehicles[0]["legalGrossKg"] == 49_000 and vehicles[0]["plateColourLabel"]["zh"] == "黄牌"
    # The password set at registration works for a normal login too.
    login = await client.post("/api/auth/login", json={"phone": phone, "password": h.PASSWORD})
    assert login.status_code == 200 and login.json()["status"] == "ok"


async def test_id_number_with_wrong_check_digit_is_refused_on_its_field(client, ctx):
    good = f.id_card()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    r = await h.register(client, ctx, id_number=bad)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "idNumber" and r.json()["code"] == "id_card_check_digit"


async def test_minor_is_refused(client, ctx):
    minor = make_id_card("150602" + "20150101" + "123")
    r = await h.register(client, ctx, id_number=minor)
    assert r.status_code == 422 and r.json()["code"] == "id_card_age" and r.json()["field"] == "idNumber"


async def test_bad_plate_is_refused_on_the_nested_field_and_keeps_the_sms_code(client, ctx):
    phone = f.phone()
    code = await h.request_code(client, ctx, phone)
    r = await client.post("/api/driver/register", json=h.register_body(phone, code, vehicle=h.vehicle_body(plate="蒙K1234")))
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "vehicle.plate"
    assert await _count(ctx, "SELECT count(*) FROM users WHERE phone = :p", p=phone) == 0
    # Format errors are found before the code is spent: the corrected form goes through with it.
    r = await client.post("/api/driver/register", json=h.register_body(phone, code, vehicle=h.vehicle_body()))
    assert r.status_code == 201, r.text


async def test_each_field_is_checked(client, ctx):
    cases = [
        ({"name": "X"}, "name"),
        ({"name": "王<script>"}, "name"),
        ({"drivingLicenceNo": "12-34"}, "drivingLicenceNo"),
        ({"qualificationCertNo": "QC1"}, "qualificationCertNo"),
        ({"regionCode": "999999"}, "regionCode"),
        ({"phone": "12345678901"}, "phone"),
        ({"vehicle": h.vehicle_body(plateColour="purple")}, "vehicle.plateColour"),
        ({"vehicle": h.vehicle_body(body="truck", axleCount=6)}, "vehicle.axleCount"),
        ({"vehicle": h.vehicle_body(energyType="electric")}, "vehicle.energyType"),
        ({"vehicle": h.vehicle_body(ratedLoadKg=60_000)}, "vehicle.ratedLoadKg"),
        ({"vehicle": h.vehicle_body(terminalPhone="1391234abcd")}, "vehicle.terminalPhone"),
    ]
    for overrides, field in cases:
        body = {**h.register_body(f.phone(), "000000"), **overrides}
        r = await client.post("/api/driver/register", json=body)
        assert r.status_code == 422, (overrides, r.text)
        assert r.json()["field"] == field, (overrides, r.json())


async def test_wrong_sms_code_is_refused(client, ctx):
    phone = f.phone()
    code = await h.request_code(client, ctx, phone)
    wrong = "000000" if code != "000000" else "111111"
    r = await client.post("/api/driver/register", json=h.register_body(phone, wrong))
    assert r.status_code == 401 and r.json()["code"] == "sms_code_invalid"


async def test_duplicate_id_number_is_409(client, ctx):
    id_number = f.id_card()
    await h.driver(client, ctx, id_number=id_number)
    r = await h.register(client, ctx, id_number=id_number)
    assert r.status_code == 409 and r.json()["code"] == "id_number_taken" and r.json()["field"] == "idNumber"
    assert id_number not in r.text


async def test_registered_phone_is_409(client, ctx):
    _, phone = await f.make_user(ctx)
    r = await h.register(client, ctx, phone=phone)
    assert r.status_code == 409 and r.json()["code"] == "phone_taken" and r.json()["field"] == "phone"


async def test_duplicate_active_plate_is_409_and_leaves_no_user(client, ctx):
    vehicle = h.vehicle_body()
    await h.driver(client, ctx, vehicle=vehicle)
    phone = f.phone()
    r = await h.register(client, ctx, phone=phone, vehicle=h.vehicle_body(plate=vehicle["plate"]))
    assert r.status_code == 409, r.text
    assert r.json()["code"] == "plate_taken" and r.json()["field"] == "vehicle.plate"
    assert await _count(ctx, "SELECT count(*) FROM users WHERE phone = :p", p=phone) == 0
    assert await _count(ctx, "SELECT count(*) FROM drivers WHERE phone = :p", p=phone) == 0
    login = await client.post("/api/auth/login", json={"phone": phone, "password": h.PASSWORD})
    assert login.status_code == 401


async def test_concurrent_registrations_of_one_plate_give_exactly_one_vehicle(client, ctx):
    plate = h.plate()
    phones = [f.phone(), f.phone()]
    codes = [await h.request_code(client, ctx, p) for p in phones]
    bodies = [h.register_body(p, c, vehicle=h.vehicle_body(plate=plate)) for p, c in zip(phones, codes, strict=True)]
    results = await asyncio.gather(*(client.post("/api/driver/register", json=b) for b in bodies))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["code"] == "plate_taken"
    assert await _count(ctx, "SELECT count(*) FROM vehicles WHERE plate = :p", p=plate) == 1
    # The loser's transaction took its user and driver record with it.
    assert await _count(ctx, "SELECT count(*) FROM drivers") == 1
    assert await _count(ctx, "SELECT count(*) FROM users WHERE phone IN (:a, :b)", a=phones[0], b=phones[1]) == 1


async def test_concurrent_registrations_of_one_id_number_give_one_driver(client, ctx):
    id_number = f.id_card()
    phones = [f.phone(), f.phone()]
    codes = [await h.request_code(client, ctx, p) for p in phones]
    bodies = [h.register_body(p, c, id_number=id_number) for p, c in zip(phones, codes, strict=True)]
    results = await asyncio.gather(*(client.post("/api/driver/register", json=b) for b in bodies))
    assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
    assert await _count(ctx, "SELECT count(*) FROM drivers") == 1


async def test_id_number_never_reaches_the_logs_nor_other_viewers(client, ctx, caplog):
    caplog.set_level(logging.DEBUG)
    id_number = f.id_card()
    body, headers = await h.driver(client, ctx, id_number=id_number)
    await client.get("/api/driver/me", headers=headers)
    await h.register(client, ctx, id_number=id_number)  # refused duplicate: still not logged
    bad = id_number[:17] + ("0" if id_number[17] != "0" else "1")
    await h.register(client, ctx, id_number=bad)

    # Others who may see the driver see masks only: his carrier's admin, a regulator of his region.
    carrier_id, admin = await h.member(client, ctx, role="carrier_admin", kind="carrier")
    await h.bind(client, carrier=carrier_id, carrier_admin=admin, driver_phone=body["driver"]["phone"],
                 driver_headers=headers)
    listed = await client.get(f"/api/enterprise/orgs/{carrier_id}/fleet/drivers", headers=admin)
    assert listed.status_code == 200 and listed.json()["total"] == 1
    regulator = await h.regulator(client, ctx, "150600")
    carrier_in_scope = await client.get(f"/api/enterprise/orgs/{carrier_id}/fleet/drivers", headers=regulator)
    assert carrier_in_scope.status_code == 200 and carrier_in_scope.json()["total"] == 1
    for response in (listed, carrier_in_scope):
        assert id_number not in response.text
        assert id_number[6:14] not in response.text  # not even the birth date part
        item = response.json() if "items" not in response.json() else response.json()["items"][0]
        assert item["idNumber"] is None and item["drivingLicenceNo"] is None and item["birthDate"] is None
    assert id_number not in caplog.text and bad not in caplog.text
    # Nor in the audit trail, which more people read than the record.
    async with unit_of_work(ctx) as session:
        rows = (await session.execute(text("SELECT before, after FROM audit_entries"))).all()
    assert rows and id_number not in str(rows)


async def test_weak_password_is_refused_before_the_code_is_spent(client, ctx):
    phone = f.phone()
    code = await h.request_code(client, ctx, phone)
    r = await client.post("/api/driver/register", json=h.register_body(phone, code, password="short"))
    assert r.status_code == 422 and r.json()["field"] == "password"
    assert (await client.post("/api/driver/register", json=h.register_body(phone, code))).status_code == 201
