"""Access matrix for every driver, vehicle, fleet and key endpoint.

Rows of one organisation or driver, probed by people of others: each answer is 404 (the same as
for a row that does not exist), never 2xx, and nothing changes. 403 appears only for people who
may legitimately see the row but not change it. The owners, last, are allowed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from tests.drivers import helpers as h


@dataclass
class World:
    carrier: str
    carrier_admin: dict[str, str]
    carrier_vehicle: str
    bound_driver: str
    driver: dict[str, str]
    driver_phone: str
    driver_vehicle: str
    driver_plate: str
    mine: str
    mine_admin: dict[str, str]
    mine_key: str
    carrier_key: str


@pytest.fixture
async def world(client, ctx) -> World:
    carrier, carrier_admin = await h.member(client, ctx, role="carrier_admin", kind="carrier", region_code="150623")
    vehicle = await client.post(f"/api/enterprise/orgs/{carrier}/fleet/vehicles", json=h.vehicle_body(), headers=carrier_admin)
    bound, bound_headers = await h.driver(client, ctx)
    await h.bind(client, carrier=carrier, carrier_admin=carrier_admin, driver_phone=bound["driver"]["phone"],
                 driver_headers=bound_headers)
    driver_plate = h.plate()
    owner, driver = await h.driver(client, ctx, vehicle=h.vehicle_body(plate=driver_plate))
    driver_vehicle = (await client.get("/api/driver/vehicles", headers=driver)).json()[0]["id"]
    mine, mine_admin = await h.member(client, ctx, role="enterprise_admin", region_code="150623")
    mine_key = (await h.issue_key(client, mine, mine_admin))["key"]["keyId"]
    carrier_key = (await h.issue_key(client, carrier, carrier_admin))["key"]["keyId"]
    return World(
        carrier=str(carrier), carrier_admin=carrier_admin, carrier_vehicle=vehicle.json()["id"],
        bound_driver=bound["driver"]["id"], driver=driver, driver_phone=owner["driver"]["phone"],
        driver_vehicle=driver_vehicle, driver_plate=driver_plate, mine=str(mine), mine_admin=mine_admin,
        mine_key=mine_key, carrier_key=carrier_key,
    )


def endpoints(w: World) -> dict[str, tuple[str, str, Any]]:
    """name -> (method, url, body)."""
    fleet = f"/api/enterprise/orgs/{w.carrier}/fleet"
    return {
        "retire_driver_vehicle": ("POST", f"/api/driver/vehicles/{w.driver_vehicle}/retire", None),
        "retire_carrier_vehicle_as_driver": ("POST", f"/api/driver/vehicles/{w.carrier_vehicle}/retire", None),
        "fleet_drivers": ("GET", f"{fleet}/drivers", None),
        "fleet_bind": ("POST", f"{fleet}/drivers", {"phone": w.driver_phone}),
        "fleet_invitations": ("GET", f"{fleet}/invitations", None),
        "fleet_unbind": ("DELETE", f"{fleet}/drivers/{w.bound_driver}", None),
        "fleet_vehicles": ("GET", f"{fleet}/vehicles", None),
        "fleet_vehicle_add": ("POST", f"{fleet}/vehicles", h.vehicle_body()),
        "fleet_vehicle_retire": ("POST", f"{fleet}/vehicles/{w.carrier_vehicle}/retire", None),
        "mine_keys": ("GET", f"/api/enterprise/orgs/{w.mine}/keys", None),
        "mine_key_issue": ("POST", f"/api/enterprise/orgs/{w.mine}/keys", {"name": "偷偷签发"}),
        "mine_key_rotate": ("POST", f"/api/enterprise/keys/{w.mine_key}/rotate", None),
        "mine_key_revoke": ("POST", f"/api/enterprise/keys/{w.mine_key}/revoke", None),
        "carrier_keys": ("GET", f"/api/enterprise/orgs/{w.carrier}/keys", None),
        "carrier_key_issue": ("POST", f"/api/enterprise/orgs/{w.carrier}/keys", {"name": "偷偷签发"}),
        "carrier_key_rotate": ("POST", f"/api/enterprise/keys/{w.carrier_key}/rotate", None),
        "carrier_key_revoke": ("POST", f"/api/enterprise/keys/{w.carrier_key}/revoke", None),
    }


# Issuing and rotating a key ask for the TOTP code again (step-up) before any row is read: whoever
# has a second factor re-enters it (_stepped_up) and meets the access rules; the rest meet the guard.
STEP_UP = {"mine_key_issue", "mine_key_rotate", "carrier_key_issue", "carrier_key_rotate"}


async def _stepped_up(client, headers: dict[str, str]) -> bool:
    if not (await client.get("/api/auth/me", headers=headers)).json()["totpEnabled"]:
        return False
    await h.f.step_up(client, headers)
    return True


def _expected(name: str, status: int, stepped_up: bool) -> int:
    return 403 if name in STEP_UP and not stepped_up else status


async def _outsider(client, ctx, who: str) -> dict[str, str]:
    if who == "other_carrier_admin":
        return (await h.member(client, ctx, role="carrier_admin", kind="carrier", region_code="150623"))[1]
    if who.startswith("other_mine_"):
        return (await h.member(client, ctx, role=who.removeprefix("other_mine_"), region_code="150623"))[1]
    if who == "other_driver":
        return (await h.driver(client, ctx, vehicle=h.vehicle_body()))[1]
    if who == "regulator_of_another_region":
        return await h.regulator(client, ctx, "150300")  # Wuhai; the rows are in Ordos
    raise AssertionError(who)


OUTSIDERS = ["other_carrier_admin", "other_mine_enterprise_admin", "other_mine_sales", "other_mine_dispatcher",
             "other_mine_finance", "other_driver", "regulator_of_another_region"]


async def _nothing_changed(client, w: World) -> None:
    vehicles = (await client.get(f"/api/enterprise/orgs/{w.carrier}/fleet/vehicles", headers=w.carrier_admin)).json()
    assert [(v["id"], v["status"]) for v in vehicles["items"]] == [(w.carrier_vehicle, "active")]
    drivers = (await client.get(f"/api/enterprise/orgs/{w.carrier}/fleet/drivers", headers=w.carrier_admin)).json()
    assert [d["id"] for d in drivers["items"]] == [w.bound_driver]
    sent = (await client.get(f"/api/enterprise/orgs/{w.carrier}/fleet/invitations", headers=w.carrier_admin)).json()
    assert [i["status"] for i in sent] == ["accepted"]  # no invitation slipped out in anyone's name
    mine = (await client.get("/api/driver/vehicles", headers=w.driver)).json()
    assert [(v["id"], v["status"]) for v in mine] == [(w.driver_vehicle, "active")]
    for org, admin, key in ((w.mine, w.mine_admin, w.mine_key), (w.carrier, w.carrier_admin, w.carrier_key)):
        keys = (await client.get(f"/api/enterprise/orgs/{org}/keys", headers=admin)).json()
        assert [(k["keyId"], k["status"], k["previousValidUntil"]) for k in keys] == [(key, "active", None)]


@pytest.mark.parametrize("who", OUTSIDERS)
async def test_outsiders_get_404_everywhere_and_change_nothing(client, ctx, world, who):
    headers = await _outsider(client, ctx, who)
    stepped_up = await _stepped_up(client, headers)
    for name, (method, url, body) in endpoints(world).items():
        r = await client.request(method, url, json=body, headers=headers)
        assert r.status_code == _expected(name, 404, stepped_up), f"{who} {method} {url} -> {r.status_code} {r.text}"
    # Their own lists hold nothing of the victims', and /me is their own (or none).
    mine = await client.get("/api/driver/vehicles", headers=headers)
    assert mine.status_code in (200, 404) and world.driver_plate not in mine.text
    me = await client.get("/api/driver/me", headers=headers)
    assert me.status_code in (200, 404) and world.driver_phone not in me.text
    await _nothing_changed(client, world)


_FLEET_READS = {"fleet_drivers": 200, "fleet_vehicles": 200}
_FLEET_WRITES = {"fleet_bind": 403, "fleet_invitations": 403, "fleet_unbind": 403, "fleet_vehicle_add": 403, "fleet_vehicle_retire": 403}
_MINE_KEYS = {"mine_keys": 404, "mine_key_issue": 404, "mine_key_rotate": 404, "mine_key_revoke": 404}
_CARRIER_KEYS_403 = {"carrier_keys": 403, "carrier_key_issue": 403, "carrier_key_rotate": 403, "carrier_key_revoke": 403}
_CARRIER_KEYS_404 = {k: 404 for k in _CARRIER_KEYS_403}
# People who may see some of the rows: 403 on what they see but may not change, 404 on the rest.
SEERS: dict[str, dict[str, int]] = {
    "carrier_dispatcher": {
        "retire_driver_vehicle": 404, "retire_carrier_vehicle_as_driver": 403,
        **_FLEET_READS, **_FLEET_WRITES, **_MINE_KEYS, **_CARRIER_KEYS_403,
    },
    "carrier_finance": {  # a member of the carrier, but not of its fleet
        "retire_driver_vehicle": 404, "retire_carrier_vehicle_as_driver": 404,
        **{k: 403 for k in (*_FLEET_READS, *_FLEET_WRITES)}, **_MINE_KEYS, **_CARRIER_KEYS_403,
    },
    "regulator_of_the_region": {  # Ordos holds both the driver (Dongsheng) and the carrier (Otog Front)
        "retire_driver_vehicle": 403, "retire_carrier_vehicle_as_driver": 403,
        **_FLEET_READS, **_FLEET_WRITES, **_MINE_KEYS, **_CARRIER_KEYS_404,
    },
}


@pytest.mark.parametrize("who", sorted(SEERS))
async def test_those_who_may_see_get_403_on_changes(client, ctx, world, who):
    if who == "regulator_of_the_region":
        headers = await h.regulator(client, ctx, "150600")
    else:
        _, headers = await h.member(client, ctx, role=who.removeprefix("carrier_"), org_id=uuid.UUID(world.carrier))
    table = endpoints(world)
    assert set(SEERS[who]) == set(table), "every endpoint has an expectation"
    stepped_up = await _stepped_up(client, headers)
    for name, (method, url, body) in table.items():
        r = await client.request(method, url, json=body, headers=headers)
        assert r.status_code == _expected(name, SEERS[who][name], stepped_up), f"{who} {name}: {method} {url} -> {r.status_code} {r.text}"
    await _nothing_changed(client, world)


async def test_owners_are_allowed(client, ctx, world):
    w = world
    fleet = f"/api/enterprise/orgs/{w.carrier}/fleet"
    await h.f.step_up(client, w.mine_admin)
    await h.f.step_up(client, w.carrier_admin)
    allowed = [
        (w.carrier_admin, "GET", f"{fleet}/drivers", None, 200),
        (w.carrier_admin, "POST", f"{fleet}/drivers", {"phone": w.driver_phone}, 201),  # an invitation
        (w.carrier_admin, "GET", f"{fleet}/invitations", None, 200),
        (w.carrier_admin, "DELETE", f"{fleet}/drivers/{w.bound_driver}", None, 204),
        (w.carrier_admin, "GET", f"{fleet}/vehicles", None, 200),
        (w.carrier_admin, "POST", f"{fleet}/vehicles", h.vehicle_body(), 201),
        (w.carrier_admin, "POST", f"{fleet}/vehicles/{w.carrier_vehicle}/retire", None, 200),
        (w.driver, "POST", f"/api/driver/vehicles/{w.driver_vehicle}/retire", None, 200),
        (w.mine_admin, "GET", f"/api/enterprise/orgs/{w.mine}/keys", None, 200),
        (w.mine_admin, "POST", f"/api/enterprise/orgs/{w.mine}/keys", {"name": "第二把"}, 201),
        (w.mine_admin, "POST", f"/api/enterprise/keys/{w.mine_key}/rotate", None, 200),
        (w.mine_admin, "POST", f"/api/enterprise/keys/{w.mine_key}/revoke", None, 200),
        (w.carrier_admin, "GET", f"/api/enterprise/orgs/{w.carrier}/keys", None, 200),
        (w.carrier_admin, "POST", f"/api/enterprise/orgs/{w.carrier}/keys", {"name": "车载终端"}, 201),
        (w.carrier_admin, "POST", f"/api/enterprise/keys/{w.carrier_key}/rotate", None, 200),
        (w.carrier_admin, "POST", f"/api/enterprise/keys/{w.carrier_key}/revoke", None, 200),
    ]
    for headers, method, url, body, status in allowed:
        r = await client.request(method, url, json=body, headers=headers)
        assert r.status_code == status, f"owner {method} {url} -> {r.status_code} {r.text}"
