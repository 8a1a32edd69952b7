"""Consent: a fleet binding and a membership take effect only when the person accepts; until then the
inviter sees the phone it typed and the invitation's state, and no answer tells who holds the phone."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from tests import factories as f
from tests.drivers import helpers as dh

_VARYING = ("id", "createdAt", "expiresAt", "phone")


def _shape(response: httpx.Response) -> tuple[int, str, bytes]:
    """The answer with what may differ (its id, times, the phone typed) blanked, as bytes."""
    body = response.content
    for key in _VARYING:
        body = re.sub(rb'"' + key.encode() + rb'":"[^"]*"', b'"' + key.encode() + b'":"*"', body)
    return response.status_code, response.headers.get("content-type", ""), body


async def _carrier(client, ctx) -> tuple[Any, dict[str, str]]:
    return await dh.member(client, ctx, role="carrier_admin", kind="carrier")


async def test_inviting_a_registered_or_unregistered_phone_answers_byte_identically(client, ctx):
    """Finding: adding a member returned the person's real name and told registered phones apart;
    binding a driver did the same by its 404 for an unknown phone."""
    carrier, admin = await _carrier(client, ctx)
    registered, _ = await dh.driver(client, ctx, name="陈建华")
    _, staff_phone = await f.make_user(ctx, name="陈监管(市)")
    unregistered = f.phone()
    fleet = f"/api/enterprise/orgs/{carrier}/fleet/drivers"
    answers = [await client.post(fleet, json={"phone": p}, headers=admin)
               for p in (registered["driver"]["phone"], staff_phone, unregistered)]
    assert answers[0].status_code == 201, answers[0].text
    assert _shape(answers[0]) == _shape(answers[1]) == _shape(answers[2])
    members = f"/api/enterprise/orgs/{carrier}/users"
    await f.step_up(client, admin)  # a role grant asks for the TOTP code again
    answers = [await client.post(members, json={"phone": p, "role": "dispatcher"}, headers=admin)
               for p in (registered["driver"]["phone"], staff_phone, unregistered)]
    assert answers[0].status_code == 201, answers[0].text
    assert _shape(answers[0]) == _shape(answers[1]) == _shape(answers[2])
    for answer in answers:
        assert "陈" not in answer.text and answer.json()["status"] == "pending"
    sent = await client.get(f"/api/enterprise/orgs/{carrier}/invitations", headers=admin)
    assert "陈" not in sent.text and {i["status"] for i in sent.json()} == {"pending"} and len(sent.json()) == 6
    # Each phone's holder is told by SMS, registered or not; the link carries no secret.
    for phone in (registered["driver"]["phone"], staff_phone, unregistered):
        text = ctx.sms.last_to(phone)
        assert text and text.endswith("/invitations"), text


async def test_a_fleet_binding_takes_effect_only_after_the_driver_accepts(client, ctx):
    """Finding: a carrier bound any unattached driver by phone and read his data; the real carrier
    could then no longer bind him."""
    rogue, rogue_admin = await _carrier(client, ctx)
    body, driver = await dh.driver(client, ctx)
    phone, driver_id = body["driver"]["phone"], body["driver"]["id"]
    invited = await client.post(f"/api/enterprise/orgs/{rogue}/fleet/drivers", json={"phone": phone}, headers=rogue_admin)
    assert invited.status_code == 201 and invited.json()["status"] == "pending"
    assert set(invited.json()) == {"id", "kind", "orgId", "role", "phone", "status", "createdAt", "expiresAt", "respondedAt"}
    # Nothing is bound, nothing readable.
    assert (await client.get(f"/api/enterprise/orgs/{rogue}/fleet/drivers", headers=rogue_admin)).json()["total"] == 0
    assert (await client.get("/api/driver/me", headers=driver)).json()["carrierOrgId"] is None
    # The driver sees who invites him, and declines.
    mine = (await client.get("/api/invitations", headers=driver)).json()
    assert [(i["kind"], i["orgId"]) for i in mine] == [("fleet", str(rogue))]
    declined = await client.post(f"/api/invitations/{mine[0]['id']}/decline", headers=driver)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    again = await client.post(f"/api/invitations/{mine[0]['id']}/accept", headers=driver)
    assert again.status_code == 409 and again.json()["code"] == "invitation_not_pending"
    sent = (await client.get(f"/api/enterprise/orgs/{rogue}/fleet/invitations", headers=rogue_admin)).json()
    assert [i["status"] for i in sent] == ["declined"]
    # His real carrier invites him; he accepts: bound, and the carrier reads his data as before.
    real, real_admin = await _carrier(client, ctx)
    await dh.bind(client, carrier=real, carrier_admin=real_admin, driver_phone=phone, driver_headers=driver)
    listed = (await client.get(f"/api/enterprise/orgs/{real}/fleet/drivers", headers=real_admin)).json()
    assert [d["id"] for d in listed["items"]] == [driver_id] and listed["items"][0]["name"] == "王建国"
    assert (await client.get("/api/invitations", headers=driver)).json() == []


async def test_a_driver_bound_elsewhere_moves_only_when_he_confirms(client, ctx):
    first, first_admin = await _carrier(client, ctx)
    second, second_admin = await _carrier(client, ctx)
    body, driver = await dh.driver(client, ctx)
    phone = body["driver"]["phone"]
    await dh.bind(client, carrier=first, carrier_admin=first_admin, driver_phone=phone, driver_headers=driver)
    invited = await client.post(f"/api/enterprise/orgs/{second}/fleet/drivers", json={"phone": phone}, headers=second_admin)
    mine = (await client.get("/api/invitations", headers=driver)).json()
    assert mine[0]["movesFromCarrier"] is True
    refused = await client.post(f"/api/invitations/{invited.json()['id']}/accept", headers=driver)
    assert refused.status_code == 409 and refused.json()["code"] == "driver_has_carrier"
    assert refused.json()["field"] == "leaveCurrentCarrier"
    # The refusal left the invitation pending and the driver where he was.
    assert (await client.get("/api/invitations", headers=driver)).json()[0]["status"] == "pending"
    assert (await client.get("/api/driver/me", headers=driver)).json()["carrierOrgId"] == str(first)
    await f.accept_invitation(client, invited.json()["id"], driver, leaveCurrentCarrier=True)
    assert (await client.get("/api/driver/me", headers=driver)).json()["carrierOrgId"] == str(second)
    assert (await client.get(f"/api/enterprise/orgs/{first}/fleet/drivers", headers=first_admin)).json()["total"] == 0


async def test_two_accepts_racing_bind_once(client, ctx):
    a, a_admin = await _carrier(client, ctx)
    b, b_admin = await _carrier(client, ctx)
    body, driver = await dh.driver(client, ctx)
    phone = body["driver"]["phone"]
    ids = [(await client.post(f"/api/enterprise/orgs/{org}/fleet/drivers", json={"phone": phone}, headers=admin)).json()["id"]
           for org, admin in ((a, a_admin), (b, b_admin))]
    answers = await asyncio.gather(*(client.post(f"/api/invitations/{i}/accept", headers=driver) for i in ids))
    assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
    winner = str(a) if answers[0].status_code == 200 else str(b)
    assert (await client.get("/api/driver/me", headers=driver)).json()["carrierOrgId"] == winner
    # One invitation accepted twice at once: one answer wins.
    c, c_admin = await _carrier(client, ctx)
    other, other_driver = await dh.driver(client, ctx)
    inv = (await client.post(f"/api/enterprise/orgs/{c}/fleet/drivers", json={"phone": other["driver"]["phone"]},
                             headers=c_admin)).json()["id"]
    twice = await asyncio.gather(*(client.post(f"/api/invitations/{inv}/accept", headers=other_driver) for _ in range(2)))
    assert sorted(r.status_code for r in twice) == [200, 409], [r.text for r in twice]


async def test_membership_waits_for_an_unregistered_phone_to_register(client, ctx):
    _, org_id, admin = await _admin(ctx, client)
    await f.step_up(client, admin)
    phone = f.phone()
    invited = await client.post(f"/api/enterprise/orgs/{org_id}/users", json={"phone": phone, "role": "sales"}, headers=admin)
    assert invited.status_code == 201
    code = await dh.request_code(client, ctx, phone)
    registered = await client.post("/api/auth/register", json={"phone": phone, "smsCode": code, "name": "新来的",
                                                               "password": f.PASSWORD})
    assert registered.status_code == 201, registered.text
    client.cookies.clear()
    headers = {"Authorization": f"Bearer {registered.json()['accessToken']}"}
    mine = (await client.get("/api/invitations", headers=headers)).json()
    assert [(i["kind"], i["role"], i["orgId"]) for i in mine] == [("member", "sales", str(org_id))]
    assert (await client.get("/api/enterprise/orgs", headers=headers)).json() == []
    await f.accept_invitation(client, mine[0]["id"], headers)
    assert [o["id"] for o in (await client.get("/api/enterprise/orgs", headers=headers)).json()] == [str(org_id)]
    # A fleet invitation needs a driver record first (the invitation waits).
    carrier, carrier_admin = await _carrier(client, ctx)
    fleet = await client.post(f"/api/enterprise/orgs/{carrier}/fleet/drivers", json={"phone": phone}, headers=carrier_admin)
    r = await client.post(f"/api/invitations/{fleet.json()['id']}/accept", headers=headers)
    assert r.status_code == 409 and r.json()["code"] == "driver_record_required"


async def _admin(ctx, client) -> tuple[Any, Any, dict[str, str]]:
    from tests.sites import helpers as sh

    return await sh.member(ctx, client, role="enterprise_admin")


async def test_invitations_expire_can_be_cancelled_and_belong_to_their_phone(client, ctx, clock):
    clock.freeze()
    _, admin_phone, org_id = await f.staff(ctx, role="enterprise_admin")
    admin = await f.login(client, admin_phone)
    await f.step_up(client, admin)
    _, number = await f.make_user(ctx)
    stranger_id, stranger_number = await f.make_user(ctx)
    url = f"/api/enterprise/orgs/{org_id}/users"
    first = (await client.post(url, json={"phone": number, "role": "sales"}, headers=admin)).json()
    second = (await client.post(url, json={"phone": number, "role": "finance"}, headers=admin)).json()
    stranger = await f.login(client, stranger_number)
    # Someone else's invitation: not found, whatever the verb.
    for verb in ("accept", "decline"):
        assert (await client.post(f"/api/invitations/{first['id']}/{verb}", headers=stranger)).status_code == 404
    # Only the inviting organisation's admins cancel.
    assert (await client.post(f"/api/enterprise/invitations/{first['id']}/cancel", headers=stranger)).status_code == 404
    cancelled = await client.post(f"/api/enterprise/invitations/{first['id']}/cancel", headers=admin)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    clock.advance(ctx.settings.invitation_ttl_days * 24 * 3600 + 1)
    admin = await f.login(client, admin_phone)  # access tokens expire by the same clock
    headers = await f.login(client, number)
    assert (await client.get("/api/invitations", headers=headers)).json() == []
    late = await client.post(f"/api/invitations/{second['id']}/accept", headers=headers)
    assert late.status_code == 409 and late.json()["code"] == "invitation_not_pending"
    sent = {i["id"]: i["status"] for i in (await client.get(f"/api/enterprise/orgs/{org_id}/invitations", headers=admin)).json()}
    assert sent == {first["id"]: "cancelled", second["id"]: "expired"}
    # An expired invitation makes room for a new one.
    await f.step_up(client, admin)  # a new login: the role grant asks for the code again
    assert (await client.post(url, json={"phone": number, "role": "finance"}, headers=admin)).status_code == 201
    assert stranger_id


async def test_a_phone_is_texted_a_bounded_number_of_invitations_a_day(client, ctx):
    _, org_id, admin = await _admin(ctx, client)
    await f.step_up(client, admin)
    phone = f.phone()
    url = f"/api/enterprise/orgs/{org_id}/users"
    for _ in range(7):  # invite, withdraw, invite again: each invitation is real
        invited = await client.post(url, json={"phone": phone, "role": "sales"}, headers=admin)
        assert invited.status_code == 201, invited.text
        await client.post(f"/api/enterprise/invitations/{invited.json()['id']}/cancel", headers=admin)
    texts = [text for to, text in ctx.sms.sent if to == phone]
    assert len(texts) == 5
