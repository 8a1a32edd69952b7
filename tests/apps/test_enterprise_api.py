"""The enterprise app's registry API: organisations, staff and roles, the audit trail."""

from __future__ import annotations

from typing import Any

from tests import factories as f
from tests.sites import helpers as h
from tests.sites.test_sites_api import refusal


def org_body(**overrides: Any) -> dict[str, Any]:
    body = {"name": "鄂托克前旗长城煤矿有限公司", "kind": "mine", "creditCode": f.credit_code("150623"),
            "regionCode": "150623", "contactPhone": "13912345678"}
    body.update(overrides)
    return body


async def test_registering_an_org_makes_me_its_admin(client, ctx):
    _, number = await f.make_user(ctx, name="王经理")
    headers = await f.login(client, number)
    assert (await client.get("/api/enterprise/orgs", headers=headers)).json() == []
    created = await client.post("/api/enterprise/orgs", json=org_body(), headers=headers)
    assert created.status_code == 201, created.text
    org = created.json()
    # Registered by a person, it waits for the region's regulator (onboarding review).
    assert (org["kind"], org["regionName"], org["status"]) == ("mine", "鄂托克前旗", "pending")
    mine = (await client.get("/api/enterprise/orgs", headers=headers)).json()
    assert [o["id"] for o in mine] == [org["id"]]
    users = (await client.get(f"/api/enterprise/orgs/{org['id']}/users", headers=headers)).json()
    assert [(u["name"], u["roles"]) for u in users] == [("王经理", ["enterprise_admin"])]
    assert users[0]["phoneMasked"] == number[:3] + "****" + number[-4:]
    patched = await client.patch(f"/api/enterprise/orgs/{org['id']}", json={"address": "敖勒召其镇"}, headers=headers)
    assert patched.status_code == 200 and patched.json()["address"] == "敖勒召其镇"
    await h.create_site(client, headers, org["id"])  # the new admin may register sites at once
    trail = (await client.get(f"/api/enterprise/orgs/{org['id']}/audit", headers=headers)).json()
    assert [e["action"] for e in trail] == ["site.create", "org.update", "org.create"]


async def test_register_org_refusals(client, ctx):
    _, number = await f.make_user(ctx)
    headers = await f.login(client, number)
    refusal(await client.post("/api/enterprise/orgs", json=org_body(kind="regulator"), headers=headers),
            403, "org_kind_reserved", "kind")
    refusal(await client.post("/api/enterprise/orgs", json=org_body(creditCode="91150623MA0000000X"), headers=headers),
            422, "credit_code_check_char", "creditCode")
    refusal(await client.post("/api/enterprise/orgs", json=org_body(regionCode="159999"), headers=headers),
            422, "region_unknown", "regionCode")
    body = org_body()
    assert (await client.post("/api/enterprise/orgs", json=body, headers=headers)).status_code == 201
    refusal(await client.post("/api/enterprise/orgs", json=body, headers=headers), 409, "credit_code_taken", "creditCode")
    assert (await client.get("/api/enterprise/orgs")).status_code == 401


async def test_add_users_and_roles(client, ctx):
    """Adding a person is an invitation: refused roles and phones answer at once, the role is the
    person's only once he accepts, and the answer never names him."""
    _, org_id, headers = await h.member(ctx, client, role="enterprise_admin")
    url = f"/api/enterprise/orgs/{org_id}/users"
    await f.step_up(client, headers)  # a role grant asks for the TOTP code again
    refusal(await client.post(url, json={"phone": "12345678901", "role": "sales"}, headers=headers), 422, "phone_format", "phone")
    for role in ("regulator", "platform_admin", "driver", "carrier_admin"):
        refusal(await client.post(url, json={"phone": "13700001111", "role": role}, headers=headers),
                422, "role_not_allowed", "role")
    refusal(await client.post(url, json={"phone": "13700001111", "role": "boss"}, headers=headers), 400, "invalid_input", "role")
    # The old body (a name and a password set by the admin) is refused: an admin never names or keys a person.
    refusal(await client.post(url, json={"phone": "13700001111", "name": "李四", "role": "sales"}, headers=headers),
            400, "invalid_input", "name")
    li_id, li_number = await f.make_user(ctx, name="李四")
    created = await client.post(url, json={"phone": li_number, "role": "sales"}, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "pending" and created.json()["phone"] == li_number
    assert "李四" not in created.text
    refusal(await client.post(url, json={"phone": li_number, "role": "sales"}, headers=headers), 409, "invitation_pending", "phone")
    li_headers = await f.login(client, li_number)
    assert (await client.get("/api/enterprise/orgs", headers=li_headers)).json() == []  # nothing before he accepts
    await f.accept_invitation(client, created.json()["id"], li_headers)
    assert [o["id"] for o in (await client.get("/api/enterprise/orgs", headers=li_headers)).json()] == [str(org_id)]
    users = {u["userId"]: u for u in (await client.get(url, headers=headers)).json()}
    assert users[str(li_id)]["roles"] == ["sales"]
    sent = (await client.get(f"/api/enterprise/orgs/{org_id}/invitations", headers=headers)).json()
    assert [i["status"] for i in sent] == ["accepted"]
    trail = (await client.get(f"/api/enterprise/orgs/{org_id}/audit", headers=headers)).json()
    assert [e["after"]["role"] for e in trail if e["action"] == "org.member.add"] == ["sales"]


async def test_remove_roles_keeps_one_admin(client, ctx):
    admin_id, org_id, headers = await h.member(ctx, client, role="enterprise_admin")
    url = f"/api/enterprise/orgs/{org_id}/users"
    refusal(await client.delete(f"{url}/{admin_id}/roles/enterprise_admin", headers=headers), 409, "last_admin", "role")
    await f.step_up(client, headers)
    second_id, _, second_headers = await f.invited_member(ctx, client, admin_headers=headers, org_id=org_id,
                                                          role="enterprise_admin", name="副管理员")
    # Now the first admin may step down; the second is then the last one and must stay.
    assert (await client.delete(f"{url}/{admin_id}/roles/enterprise_admin", headers=second_headers)).status_code == 204
    refusal(await client.delete(f"{url}/{second_id}/roles/enterprise_admin", headers=second_headers),
            409, "last_admin", "role")
    # The revoked role takes effect on the very next request.
    assert (await client.get(f"/api/enterprise/orgs/{org_id}", headers=headers)).status_code == 404
    assert (await client.delete(f"{url}/{admin_id}/roles/enterprise_admin", headers=second_headers)).status_code == 404
    refusal(await client.delete(f"{url}/{admin_id}/roles/regulator", headers=second_headers), 422, "role_not_allowed", "role")
    users = (await client.get(url, headers=second_headers)).json()
    assert [u["name"] for u in users] == ["副管理员"]
    trail = (await client.get(f"/api/enterprise/orgs/{org_id}/audit", headers=second_headers)).json()
    removed = [e for e in trail if e["action"] == "org.member.remove"]
    assert removed[0]["before"] == {"user_id": str(admin_id), "role": "enterprise_admin"}


async def test_carrier_roles_and_last_carrier_admin(client, ctx):
    admin_id, org_id, headers = await h.member(ctx, client, role="carrier_admin", kind="carrier")
    url = f"/api/enterprise/orgs/{org_id}/users"
    await f.step_up(client, headers)
    for role in ("sales", "enterprise_admin"):
        refusal(await client.post(url, json={"phone": "13700003333", "role": role}, headers=headers),
                422, "role_not_allowed", "role")
    await h.post_ok(client, url, {"phone": "13700003333", "role": "dispatcher"}, headers)
    refusal(await client.delete(f"{url}/{admin_id}/roles/carrier_admin", headers=headers), 409, "last_admin", "role")


async def test_staff_and_audit_are_for_admins(client, ctx):
    _, org_id, _ = await h.member(ctx, client, role="enterprise_admin")
    _, _, sales_headers = await h.member(ctx, client, role="sales", org_id=org_id)
    assert (await client.get(f"/api/enterprise/orgs/{org_id}", headers=sales_headers)).status_code == 200
    for method, path, body, code in [
        ("GET", "users", None, "forbidden"), ("GET", "audit", None, "forbidden"),
        # Granting a role asks for a TOTP code first, which a salesperson does not even have.
        ("POST", "users", {"phone": "13700004444", "role": "sales"}, "step_up_required"),
    ]:
        response = await client.request(method, f"/api/enterprise/orgs/{org_id}/{path}", json=body, headers=sales_headers)
        refusal(response, 403, code, None)
    _, _, admin_headers = await h.member(ctx, client, role="enterprise_admin", org_id=org_id)
    limited = await client.get(f"/api/enterprise/orgs/{org_id}/audit?limit=1", headers=admin_headers)
    assert limited.status_code == 200 and len(limited.json()) == 1
    assert (await client.get(f"/api/enterprise/orgs/{org_id}/audit?limit=0", headers=admin_headers)).status_code == 400
