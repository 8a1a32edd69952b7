"""Evidence packs (issue 13 point 5): an alert downloads as one zip of what proves it, with a manifest
whose hashes re-verify and a signature over the manifest. A weighing refusal brings the weighing, the
lane's trace, the camera's plate and picture, the order's ticket entry in the evidence chain and the
disposal's photo; a GPS alert the truck's positions around it (an audited read of its driver's track),
the event, the waybill and its corridor. Anyone who cannot read the alert gets its 404."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar
from sqlalchemy import select

from backend import clock as backend_clock
from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.alerts import service as alerts
from backend.domain.alerts.models import Alert
from backend.domain.audit import service as audit
from backend.workers.gps import GpsWorker
from tests.alerts import helpers as ah
from tests.sites import helpers as sh
from tests.waybills import helpers as h
from tests.waybills.test_worker_flow import Clock, _route
from tests.weighing import helpers as wh

T0 = datetime.now(UTC) - timedelta(hours=2)
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _rewrite(data: bytes, changes: dict[str, bytes]) -> bytes:
    """The same pack with some entries' bytes replaced (a forger's edit)."""
    out = io.BytesIO()
    with _zip(data) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, changes.get(info.filename, src.read(info.filename)))
    return out.getvalue()


async def _pack(client: httpx.AsyncClient, alert_id: uuid.UUID, headers: dict[str, str]) -> bytes:
    r = await client.get(f"/api/alerts/{alert_id}/evidence.zip", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["x-manifest-sha256"] == hashlib.sha256(_zip(r.content).read("manifest.json")).hexdigest()
    return r.content


async def test_a_weighing_refusal_packs_its_weighing_trace_camera_chain_and_disposal(
        ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await wh.lane_world(ctx, client, app)
    assert (await wh.identify(lw, code=await wh.pass_code(client, lw)))["accepted"]
    assert (await wh.submit(lw, wh.weighing_body(lw, kind="tare", weight_kg=15_000, at=T0)))["accepted"]
    wrong = wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=30), plate="蒙A99999")
    assert (await wh.submit(lw, wrong))["alerts"] == ["plate_mismatch"]
    good = await wh.submit(lw, wh.weighing_body(lw, kind="gross", weight_kg=44_000, at=T0 + timedelta(minutes=32)))
    assert good["accepted"] and good["ticketNo"], good
    [alert] = await ah.all_alerts(ctx)
    admin = lw.gw.w.parties.seller
    # The enterprise takes it and disposes with a photo: the photo belongs in the pack.
    assert (await client.post(f"/api/alerts/{alert.id}/acknowledge", headers=admin)).status_code == 200
    r = await client.put(f"/api/alerts/{alert.id}/files?purpose=disposal&name=现场.png", content=PHOTO, headers=admin)
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/alerts/{alert.id}/dispose", headers=admin,
                          json={"cause": "车牌识别误读", "measures": "更换摄像机镜头", "fileIds": [r.json()["id"]]})
    assert r.status_code == 200, r.text

    data = await _pack(client, alert.id, admin)
    check = alerts.verify_pack(data, settings=ctx.settings)
    assert check.ok and check.signature == "valid" and not check.problems, check
    with _zip(data) as pack:
        names = pack.namelist()
        manifest = json.loads(pack.read("manifest.json"))
        chain = [n for n in names if n.startswith("evidence-chain/")]
        assert names == ["alert.json", "timeline.json", "attachments/01-disposal-现场.png", "camera/01-licensePlatePicture.jpg",
                         "camera/plates.json", *chain, "weighing/lane-trace.csv", "weighing/lane-trace.json",
                         "weighing/weighing.json", "manifest.json", "manifest.sig.json"], names
        assert chain[0].endswith("-weigh_ticket.json") and chain[1].startswith("evidence-chain/public-key-ev")
        assert json.loads(pack.read(chain[0]))["payload"].count(good["ticketNo"]) == 1
        assert pack.read("camera/01-licensePlatePicture.jpg") == wh.JPEG
        assert pack.read("attachments/01-disposal-现场.png") == PHOTO
        assert json.loads(pack.read("camera/plates.json"))["plateRead"] == "蒙A99999"
        record = json.loads(pack.read("weighing/weighing.json"))
        assert record["weighing"]["id"] == wrong["weighingId"] and record["weighing"]["code"] == "plate_mismatch"
        assert sorted(w["kind"] for w in record["orderWeighings"]) == ["gross", "tare"]
        assert json.loads(pack.read("weighing/lane-trace.json"))["trace"] == wrong["trace"]
        assert json.loads(pack.read("alert.json"))["id"] == str(alert.id)
        steps = [s["action"] for s in json.loads(pack.read("timeline.json"))["steps"]]
        assert steps == ["raised", "acknowledged", "disposed"], steps
        listed = {f["name"]: f for f in manifest["files"]}
        assert set(listed) == set(names) - {"manifest.json", "manifest.sig.json"}
        assert listed["camera/01-licensePlatePicture.jpg"]["sha256"] == hashlib.sha256(wh.JPEG).hexdigest()
        assert listed["camera/01-licensePlatePicture.jpg"]["size"] == len(wh.JPEG)
        found = {e["name"]: e["found"] for e in manifest["evidence"]}
        assert found == {"weighing": True, "lane_trace": True, "camera_plates": True, "evidence_chain": True,
                         "attachments": True}, found
        csv_bytes = pack.read("weighing/lane-trace.csv")

    # One flipped byte inside a file's stored bytes: the pack no longer verifies.
    with _zip(data) as pack:
        info = pack.getinfo("weighing/lane-trace.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)  # past the local header
    flipped = bytearray(data)
    flipped[start + info.compress_size // 2] ^= 0x01
    bad = alerts.verify_pack(bytes(flipped), settings=ctx.settings)
    assert not bad.ok and any(p.startswith("weighing/lane-trace.csv") for p in bad.problems), bad
    assert alerts.verify_pack(data, settings=ctx.settings).ok  # the original still does
    # A forger who rewrites a file AND its manifest entry still fails: the manifest's signature.
    forged_csv = csv_bytes.replace(b"ms_since", b"MS_SINCE")
    with _zip(data) as pack:
        manifest = json.loads(pack.read("manifest.json"))
    for f in manifest["files"]:
        if f["name"] == "weighing/lane-trace.csv":
            f["sha256"], f["size"] = hashlib.sha256(forged_csv).hexdigest(), len(forged_csv)
    forged = _rewrite(data, {"weighing/lane-trace.csv": forged_csv,
                             "manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"})
    offline = alerts.verify_pack(forged)  # hashes only: consistent
    assert offline.ok and offline.signature == "unchecked", offline
    online = alerts.verify_pack(forged, settings=ctx.settings)
    assert not online.ok and online.signature == "invalid", online
    # A file slipped in beside the listed ones is refused too.
    extra = _rewrite(data, {})
    buffer = io.BytesIO(extra)
    with zipfile.ZipFile(buffer, "a") as pack:
        pack.writestr("weighing/extra.json", b"{}")
    assert not alerts.verify_pack(buffer.getvalue(), settings=ctx.settings).ok
    assert not alerts.verify_pack(b"not a zip").ok

    # Whoever cannot read the alert gets the alert's own 404: the buyer, another mine, a regulator elsewhere.
    _, _, other_mine = await sh.member(ctx, client, role="enterprise_admin", kind="mine", region_code="150623")
    _, elsewhere = await sh.regulator(ctx, client, "150303")
    for headers in (lw.gw.w.parties.buyer, other_mine, elsewhere, lw.gw.trucker.headers):
        r = await client.get(f"/api/alerts/{alert.id}/evidence.zip", headers=headers)
        same = await client.get(f"/api/alerts/{alert.id}", headers=headers)
        assert r.status_code == same.status_code == 404 and r.json() == same.json(), r.text
    assert (await client.get(f"/api/alerts/{uuid.uuid4()}/evidence.zip", headers=admin)).status_code == 404
    assert (await client.get(f"/api/alerts/{alert.id}/evidence.zip")).status_code == 401


async def test_a_gps_alert_packs_the_track_event_waybill_and_corridor_and_audits_the_track(
        ctx: Context, client: httpx.AsyncClient, app: Litestar) -> None:
    lw = await h.ticketed(ctx, client, app)
    await h.gate_out(client, app, lw)
    vehicle = await h.vehicle_id(ctx, lw)
    t0 = backend_clock.now_s() + 5
    fixes = _route(t0, vehicle)
    clock = Clock(t0)
    worker = GpsWorker(ctx, now=clock, consumer="packs")
    await worker.setup()
    for i in range(0, len(fixes), 4):
        await h.send(ctx, fixes[i:i + 4], per_entry=2)
        clock.t = fixes[min(i + 3, len(fixes) - 1)].fix_at_s + 1
        await worker.drain()
    [alert] = await wh.alerts_of(ctx, "gps_corridor_leave")
    async with unit_of_work(ctx) as session:
        row = (await session.execute(select(Alert).where(Alert.id == alert.id))).scalar_one()
        driver = row.driver_user_id
    assert row.org_id == lw.gw.w.parties.seller_id and driver is not None  # no carrier on file: the seller handles it
    admin = lw.gw.w.parties.seller

    data = await _pack(client, alert.id, admin)
    check = alerts.verify_pack(data, settings=ctx.settings)
    assert check.ok and check.signature == "valid", check
    with _zip(data) as pack:
        names = pack.namelist()
        manifest = json.loads(pack.read("manifest.json"))
        waybill = [n for n in names if n.startswith("waybill/YD")]
        assert names == ["alert.json", "timeline.json", "gps/event.json", "positions/positions.csv",
                         "positions/track.geojson", *waybill, "waybill/corridor.geojson", "manifest.json",
                         "manifest.sig.json"], names
        rows = pack.read("positions/positions.csv").decode().splitlines()
        assert rows[0].startswith("fix_at,lon,lat") and len(rows) == 1 + len(fixes)
        event = json.loads(pack.read("gps/event.json"))
        assert alert.ref == f"gps_event:{event['event']['id']}" and event["event"]["kind"] == "corridor_leave"
        assert [e["kind"] for e in event["around"]] == ["site_enter", "site_exit", "corridor_leave", "corridor_return"]
        trip = json.loads(pack.read(waybill[0]))
        assert trip["waybill"]["plate"] == lw.plate and len(trip["events"]) == 4
        corridor = json.loads(pack.read("waybill/corridor.geojson"))["features"][0]
        assert corridor["geometry"]["type"] == "LineString" and corridor["properties"]["halfWidthM"] == 1000.0
        found = {e["name"]: e["found"] for e in manifest["evidence"]}
        assert found == {"positions": True, "gps_event": True, "waybill": True, "corridor": True,
                         "attachments": False}, found

    # The track shows where the driver was: the admin's download is an audited read of it, his own is not.
    async with unit_of_work(ctx) as session:
        reads = await audit.list_reads(session, region_scopes=None, subject_user_id=driver)
    [read] = [r for r in reads.items if "track" in r.fields]
    assert read.route == "GET /api/alerts/{alert_id}/evidence.zip" and read.actor_org_id == lw.gw.w.parties.seller_id
    assert read.channel == "app"
    mine = await client.get(f"/api/alerts/{alert.id}/evidence.zip", headers=lw.gw.trucker.headers)
    assert mine.status_code == 200 and alerts.verify_pack(mine.content, settings=ctx.settings).ok
    async with unit_of_work(ctx) as session:
        again = await audit.list_reads(session, region_scopes=None, subject_user_id=driver)
    assert again.total == reads.total

    # Another enterprise and a regulator of another region: the alert's 404.
    _, _, other_mine = await sh.member(ctx, client, role="enterprise_admin", kind="mine", region_code="150623")
    _, elsewhere = await sh.regulator(ctx, client, "150303")
    for headers in (other_mine, elsewhere, lw.gw.w.parties.buyer):
        r = await client.get(f"/api/alerts/{alert.id}/evidence.zip", headers=headers)
        assert r.status_code == 404 and r.json()["code"] == "not_found", r.text
