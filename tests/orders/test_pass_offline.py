"""Offline gates: the site's sealed pass bundle (for the site's own device key only) verifies the
driver's phone code with no link to the platform; passages accepted offline are uploaded later and
recorded exactly once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.db.base import utcnow
from backend.db.unit import unit_of_work
from backend.domain.orders.models import GatePassage
from devices.passcode import PassRefused, open_bundle, verify
from tests.drivers import helpers as dh
from tests.orders import helpers as oh
from tests.orders import pass_helpers as ph
from tests.sites import helpers as sh

UPLOAD = "/open/v1/passes/offline-passages"



def _bundle_url(site_id) -> str:
    return f"/open/v1/sites/{site_id}/pass-bundle"


async def test_the_bundle_verifies_the_phone_code_offline(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    # Not in the bundle: an order not yet dispatched, one cancelled, and one valid only from the day after tomorrow.
    await oh.issue(client, gw.w)
    cancelled, _ = await oh.dispatched(ctx, client, gw.w)
    r = await client.post(f"/api/mine/orders/{cancelled['id']}/cancel", json={"reason": "取消"}, headers=gw.w.parties.sales)
    assert r.status_code == 200, r.text
    later, _ = await oh.dispatched(ctx, client, gw.w, validFrom=(utcnow() + timedelta(days=2)).isoformat(),
                                   validUntil=(utcnow() + timedelta(days=3)).isoformat())
    soon, soon_driver = await oh.dispatched(ctx, client, gw.w, validFrom=(utcnow() + timedelta(hours=20)).isoformat())
    async with ph.machine(app, gw.device) as device:
        r = await device.get(_bundle_url(gw.site_id))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/octet-stream") and r.headers["cache-control"] == "no-store"
    verifier = await ph.platform_verifier(client)
    site = uuid.UUID(gw.site_id)
    bundle = open_bundle(r.content, device_secret=gw.device.secret, site_id=site, verifier=verifier)
    assert {str(e.order_id) for e in bundle.entries} == {gw.order_id, soon["id"]}
    assert str(later["id"]) not in {str(e.order_id) for e in bundle.entries}
    entry = bundle.entry_for(uuid.UUID(gw.order_id))
    assert entry is not None and entry.plate == gw.trucker.plate and entry.totp_secret == p["totpSecret"]
    assert abs(bundle.issued_at_s - ph.now_s()) < 60
    # The gate verifies the driver's phone code with the bundle and the published key alone.
    now = ph.now_s()
    verdict = verify(ph.phone_code(p, now), verifier=verifier, site_id=site, plate_seen=gw.trucker.plate, at_s=now,
                     totp_secret_for=bundle.totp_secret_for)
    assert verdict.ok and str(verdict.claims.order_id) == gw.order_id
    stale = verify(ph.phone_code(p, now - 300), verifier=verifier, site_id=site, plate_seen=None, at_s=now,
                   totp_secret_for=bundle.totp_secret_for)
    assert stale.code == "pass_totp_stale"
    soon_pass = await ph.driver_pass(client, soon_driver, soon["id"])
    assert verify(ph.phone_code(soon_pass, now), verifier=verifier, site_id=site, plate_seen=None, at_s=now,
                  totp_secret_for=bundle.totp_secret_for).code == "pass_not_yet_valid"
    # Copied off the gate, the file is useless without that device's secret.
    for secret in (gw.erp.secret, gw.device.secret + "x"):
        with pytest.raises(PassRefused) as refused:
            open_bundle(r.content, device_secret=secret, site_id=site, verifier=verifier)
        assert refused.value.code == "bundle_undecryptable"


async def test_the_bundle_is_for_the_sites_own_device_keys_only(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    seller, admin = gw.w.parties.seller_id, gw.w.parties.seller
    second = await sh.create_site(client, admin, seller, name="二号储煤场")
    second_device = await ph.add_device(client, admin, second["id"])
    second_key = await ph.key(client, seller, admin, deviceId=second_device)
    _, other_org, other_admin = await sh.member(ctx, client, role="enterprise_admin", kind="mine")
    other_site = await sh.create_site(client, other_admin, other_org, name="别家煤场")
    async with ph.machine(app, gw.erp) as erp:
        r = await erp.get(_bundle_url(gw.site_id))
        assert r.status_code == 403 and r.json()["code"] == "pass_bundle_device_only", r.text
        for site in (other_site["id"], uuid.uuid4()):
            r = await erp.get(_bundle_url(site))
            assert r.status_code == 404 and r.json()["field"] == "siteId", r.text
    async with ph.machine(app, second_key) as device:
        r = await device.get(_bundle_url(gw.site_id))
        assert r.status_code == 403 and r.json()["code"] == "pass_bundle_device_only"
        r = await device.get(_bundle_url(second["id"]))
        assert r.status_code == 200
        empty = open_bundle(r.content, device_secret=second_key.secret, site_id=uuid.UUID(second["id"]),
                            verifier=await ph.platform_verifier(client))
        assert empty.entries == ()
    # A retired device's key is dead altogether.
    r = await client.delete(f"/api/enterprise/sites/{second['id']}/devices/{second_device}", headers=admin)
    assert r.status_code in (200, 204), r.text
    async with ph.machine(app, second_key) as device:
        assert (await device.get(_bundle_url(second["id"]))).status_code == 401
    assert (await client.get(_bundle_url(gw.site_id))).status_code == 401


async def _passages(ctx, order_id) -> list[tuple[str, str, int | None, str | None]]:
    async with unit_of_work(ctx) as session:
        rows = (await session.execute(select(GatePassage).where(GatePassage.order_id == uuid.UUID(str(order_id)))
                                      .order_by(GatePassage.at))).scalars().all()
    return [(r.transition, r.mode, r.totp_step, r.plate_read) for r in rows]


def _item(order_id, transition: str, at, **extra) -> dict:
    return {"orderId": str(order_id), "transition": transition, "at": at.isoformat(),
            "totpStep": int(at.timestamp()) // 30, **extra}


async def test_offline_passages_are_recorded_once(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    p = await ph.driver_pass(client, gw.trucker, gw.order_id)
    # The order is valid from its issue a moment ago; a gate clock a little behind is believed.
    entered_at = (utcnow() - timedelta(minutes=2)).replace(microsecond=0)
    left_at = entered_at + timedelta(seconds=90)
    first = {"siteId": gw.site_id, "passages": [_item(gw.order_id, "in", entered_at, plateRead=gw.trucker.plate)]}
    async with ph.machine(app, gw.device) as device:
        r = await device.post(UPLOAD, json=first)
        assert r.status_code == 200, r.text
        assert [(x["result"], x["code"]) for x in r.json()["results"]] == [("accepted", "ok")]
        detail = (await client.get(f"/api/mine/orders/{gw.order_id}", headers=gw.w.dispatcher)).json()
        assert detail["order"]["status"] == "entered"
        assert detail["order"]["enteredAt"].replace("Z", "+00:00") == entered_at.isoformat()
        assert "离线" in detail["transitions"][-1]["note"]
        # The same upload again (a retry after a lost answer): nothing new.
        r = await device.post(UPLOAD, json=first)
        assert [(x["result"], x["code"]) for x in r.json()["results"]] == [("duplicate", "pass_replayed")]
        # Online, the same pass cannot enter again.
        assert (await ph.scan(device, gw.site_id, ph.phone_code(p), "in"))["code"] == "pass_replayed"
        mixed = {"siteId": gw.site_id, "passages": [
            _item(gw.order_id, "out", left_at, plateRead=dh.plate()),  # not the order's truck
            _item(uuid.uuid4(), "in", left_at),  # no such order
            _item(gw.order_id, "out", utcnow() + timedelta(hours=1)),  # from the future
            {**_item(gw.order_id, "out", left_at), "at": "0001-01-01T00:00:00+08:00"},  # before time began
            _item(gw.order_id, "out", left_at, totpStep=int(left_at.timestamp()) // 30 - 20),  # not that moment's code
            {"orderId": gw.order_id, "transition": "out", "at": left_at.isoformat()},  # printed pass, no plate read
            _item(gw.order_id, "out", left_at),
            _item(gw.order_id, "out", left_at + timedelta(seconds=5)),
        ]}
        r = await device.post(UPLOAD, json=mixed)
        assert r.status_code == 200, r.text
        assert [(x["result"], x["code"]) for x in r.json()["results"]] == [
            ("refused", "pass_wrong_plate"), ("refused", "order_unknown"), ("refused", "passage_time_invalid"),
            ("refused", "passage_time_invalid"), ("refused", "passage_time_invalid"), ("refused", "pass_plate_required"), ("accepted", "ok"),
            ("duplicate", "pass_replayed"),
        ]
    step = int(entered_at.timestamp()) // 30
    assert await _passages(ctx, gw.order_id) == [("in", "offline", step, gw.trucker.plate),
                                                 ("out", "offline", int(left_at.timestamp()) // 30, None)]


async def test_an_offline_entry_of_an_order_cancelled_meanwhile_is_kept_as_evidence(app, ctx, client):
    gw = await ph.gate_world(ctx, client)
    entered_at = utcnow() - timedelta(minutes=5)
    r = await client.post(f"/api/mine/orders/{gw.order_id}/cancel", json={"reason": "客户取消"}, headers=gw.w.parties.sales)
    assert r.status_code == 200, r.text
    _, other_org, other_admin = await sh.member(ctx, client, role="enterprise_admin", kind="mine")
    other_site = await sh.create_site(client, other_admin, other_org, name="别家煤场")
    async with ph.machine(app, await ph.key(client, other_org, other_admin)) as foreign:
        # Another organisation cannot record passages of this site, nor of this order at its own site.
        r = await foreign.post(UPLOAD, json={"siteId": gw.site_id, "passages": [_item(gw.order_id, "in", entered_at)]})
        assert r.status_code == 404 and r.json()["field"] == "siteId"
        r = await foreign.post(UPLOAD, json={"siteId": other_site["id"], "passages": [_item(gw.order_id, "in", entered_at)]})
        assert [(x["result"], x["code"]) for x in r.json()["results"]] == [("refused", "order_unknown")]
    async with ph.machine(app, gw.device) as device:
        r = await device.post(UPLOAD, json={"siteId": gw.site_id, "passages": [_item(gw.order_id, "in", entered_at)]})
        assert [(x["result"], x["code"]) for x in r.json()["results"]] == [("accepted", "ok")]
        for bad in ({"siteId": gw.site_id, "passages": []}, {"siteId": gw.site_id},
                    {"siteId": gw.site_id, "passages": [{**_item(gw.order_id, "in", entered_at), "x": 1}]}):
            assert (await device.post(UPLOAD, json=bad)).status_code == 400
    detail = (await client.get(f"/api/mine/orders/{gw.order_id}", headers=gw.w.dispatcher)).json()
    assert detail["order"]["status"] == "cancelled"
    assert [(t, m) for t, m, _, _ in await _passages(ctx, gw.order_id)] == [("in", "offline")]
