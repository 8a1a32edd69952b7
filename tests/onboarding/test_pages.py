"""The screens of onboarding and consent: the regulator's review queue, the applicant's notice,
the driver's invitations on his home page, the shared invitations page."""

from __future__ import annotations

from tests import factories as f
from tests.drivers import helpers as dh
from tests.pages import helpers as ph


async def test_the_regulator_reviews_from_a_queue_and_the_applicant_sees_why(client, ctx):
    _, number = await f.make_user(ctx, name="申请人")
    api = await f.login(client, number)
    body = {"name": "待审煤矿", "kind": "mine", "creditCode": f.credit_code("150623"), "regionCode": "150623"}
    org = (await client.post("/api/enterprise/orgs", json=body, headers=api)).json()
    await ph.cookie_login(client, number)
    page = await client.get(f"/enterprise/orgs/{org['id']}")
    assert page.status_code == 200 and 'data-org-review="pending"' in page.text and "等待所在地区监管部门审核" in page.text
    for path in ("/mine/sites", "/mine/orders/new"):  # where it would transact, the mine app says so first
        mine_page = await client.get(path)
        assert mine_page.status_code == 200 and 'data-org-review="pending"' in mine_page.text, path
    _, phone, _ = await f.staff(ctx, role="regulator", kind="regulator", region_code="150623")
    await ph.regulator_login(client, phone)
    queue = await client.get("/regulator/reviews")
    assert queue.status_code == 200 and "待审煤矿" in queue.text and 'data-total="1"' in queue.text
    detail = await client.get(f"/regulator/orgs/{org['id']}")
    assert f'data-api="/api/regulator/orgs/{org["id"]}/review"' in detail.text and "驳回" in detail.text
    refused = await client.post(f"/api/regulator/orgs/{org['id']}/review", json={"decision": "refuse", "reason": "证照模糊"},
                                headers=ph.FETCH)
    assert refused.status_code == 200, refused.text
    assert "待审煤矿" not in (await client.get("/regulator/reviews")).text
    await ph.cookie_login(client, number)
    page = await client.get(f"/enterprise/orgs/{org['id']}")
    assert 'data-org-review="refused"' in page.text and "证照模糊" in page.text and "/resubmit" in page.text


async def test_the_driver_sees_and_answers_invitations_on_his_home_page(client, ctx):
    carrier, admin = await dh.member(client, ctx, role="carrier_admin", kind="carrier")
    body = await ph.driver_with_vehicle(client, ctx)
    invited = await client.post(f"/api/enterprise/orgs/{carrier}/fleet/drivers", json={"phone": body["phone"]}, headers=admin)
    assert invited.status_code == 201
    await ph.cookie_login(client, body["phone"], body["password"])
    home = await client.get("/driver/profile")
    assert 'id="invitations"' in home.text and f'data-invitation="{invited.json()["id"]}"' in home.text
    assert "邀请您加入其车队" in home.text
    shared = await client.get("/invitations")
    assert shared.status_code == 200 and f'/api/invitations/{invited.json()["id"]}/accept' in shared.text


async def test_the_invitation_link_asks_a_stranger_to_sign_in_or_register(client):
    page = await client.get("/invitations")
    assert page.status_code == 200
    assert "/enterprise/login?next=/invitations" in page.text and 'data-api="/api/auth/register"' in page.text
    en = await client.get("/invitations?lang=en")
    assert "Sign in or register with the phone" in en.text
