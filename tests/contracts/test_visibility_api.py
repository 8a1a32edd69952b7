"""Who sees a contract: its two parties, regulators whose region holds the seller, platform admins.
Everyone else gets the same 404 as for a contract that does not exist."""

from __future__ import annotations

import uuid

import pytest

from tests import factories as f
from tests.contracts import helpers as c
from tests.sites import helpers as h


@pytest.fixture
async def p(ctx, client) -> c.Parties:
    return await c.parties(ctx, client)


async def test_outsiders_get_404_like_a_missing_contract(ctx, client, p):
    contract = await c.filed(client, p)
    _, _, stranger = await h.member(ctx, client, role="enterprise_admin", kind="trader")
    _, wuhai_regulator = await h.regulator(ctx, client, "150300")  # Wuhai: the seller is in Ordos
    nowhere = c.url(uuid.uuid4())
    for headers in (stranger, wuhai_regulator):
        for path in ("", "pdf", "events"):
            seen = await client.get(c.url(contract["id"], path), headers=headers)
            missing = await client.get(c.url(uuid.uuid4(), path), headers=headers)
            assert seen.status_code == missing.status_code == 404, seen.text
            assert seen.json()["code"] == missing.json()["code"] == "not_found"
        for action in ("confirm", "complete"):
            c.refusal(await client.post(c.url(contract["id"], action), headers=headers), 404, "not_found", None)
        c.refusal(await client.patch(c.url(contract["id"]), json={"priceFenPerT": 1}, headers=headers),
                  404, "not_found", None)
        listed = await c.ok(await client.get("/api/enterprise/contracts", headers=headers))
        assert listed["total"] == 0 and listed["items"] == []
    c.refusal(await client.get(nowhere, headers=p.seller), 404, "not_found", None)


async def test_both_parties_and_the_sellers_regulators_see_it(ctx, client, p):
    contract = await c.filed(client, p)
    _, district = await h.regulator(ctx, client, "150623")  # the seller's banner
    _, city = await h.regulator(ctx, client, "150600")  # Ordos, above it
    _, buyer_regulator = await h.regulator(ctx, client, "150621")  # the buyer's banner: not the seller's
    admin_id, admin_phone = await f.make_user(ctx, name="平台管理员", admin=True)
    admin = await f.login(client, admin_phone)
    for headers in (p.seller, p.sales, p.buyer, p.buyer_staff, district, city, admin):
        got = await c.ok(await client.get(c.url(contract["id"]), headers=headers))
        assert got["id"] == contract["id"] and got["status"] == "filed"
        assert (await client.get(c.url(contract["id"], "pdf"), headers=headers)).content == c.PDF
        assert len(await c.ok(await client.get(c.url(contract["id"], "events"), headers=headers))) == 2
    c.refusal(await client.get(c.url(contract["id"]), headers=buyer_regulator), 404, "not_found", None)
    # Seeing is not acting: regulators and the platform do not sign for the parties.
    for headers in (district, admin):
        c.refusal(await client.post(c.url(contract["id"], "confirm"), headers=headers), 403, "forbidden", None)
        c.refusal(await client.post(c.url(contract["id"], "terminate"), json={"reason": "监管要求"}, headers=headers),
                  403, "forbidden", None)


async def test_list_is_mine_as_seller_or_buyer(ctx, client, p):
    first = await c.draft(client, p, destinationName="达拉特电厂一期")
    second = await c.active(client, p, destinationName="准格尔电厂")
    # Another seller's contract with another buyer is nobody's business here.
    q = await c.parties(ctx, client)
    await c.draft(client, q)

    def ids(page: dict) -> list[str]:
        return [x["id"] for x in page["items"]]

    mine = await c.ok(await client.get("/api/enterprise/contracts", headers=p.seller))
    assert mine["total"] == 2 and ids(mine) == [second["id"], first["id"]]  # newest first
    as_buyer = await c.ok(await client.get("/api/enterprise/contracts", params={"role": "buyer"}, headers=p.buyer_staff))
    assert as_buyer["total"] == 2 and as_buyer["items"][0]["sellerOrgId"] == str(p.seller_id)
    as_seller = await c.ok(await client.get("/api/enterprise/contracts", params={"role": "seller"}, headers=p.buyer))
    assert as_seller["total"] == 0
    active = await c.ok(await client.get("/api/enterprise/contracts", params={"status": "active"}, headers=p.seller))
    assert ids(active) == [second["id"]]
    found = await c.ok(await client.get("/api/enterprise/contracts", params={"q": "准格尔"}, headers=p.seller))
    assert ids(found) == [second["id"]]
    by_no = await c.ok(await client.get("/api/enterprise/contracts", params={"q": first["contractNo"]}, headers=p.seller))
    assert ids(by_no) == [first["id"]]
    paged = await c.ok(await client.get("/api/enterprise/contracts", params={"offset": 1, "limit": 1}, headers=p.seller))
    assert (paged["total"], paged["offset"], paged["limit"], ids(paged)) == (2, 1, 1, [first["id"]])
    for params, field in (({"status": "open"}, "status"), ({"role": "carrier"}, "role"), ({"limit": 0}, "limit"),
                          ({"q": "a\x00b"}, "q")):
        refused = await client.get("/api/enterprise/contracts", params=params, headers=p.seller)
        assert refused.status_code == 400 and refused.json()["field"] == field, refused.text
