"""The lane without its platform: offline passes from the real sealed bundle, the outbox, and
exactly-once upload when the link returns."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from devices.lane import LinkDown, Outbox, PlatformLink
from devices.lane.uploader import Uploader
from devices.lane.weighing import signed
from tests.devices.lane.platform import FakePlatform
from tests.devices.lane.rig import SECRET, LaneRig, lane_config, until


async def test_two_trucks_offline_then_each_weighing_uploaded_once(platform: FakePlatform, tmp_path: Path) -> None:
    truck_a = platform.add_order("蒙K11111")
    truck_b = platform.add_order("蒙K22222")
    async with LaneRig(platform, tmp_path) as rig:
        await until(lambda: rig.lane.gate is not None and rig.lane.gate.bundle is not None, what="bundle")
        await rig.drive_through("蒙K22222", platform.qr(truck_b), 15_000)  # B's tare, online
        assert len(platform.weighings) == 1

        # A is let in by the platform, then the platform goes away while A is on the scale.
        rig.arrive("蒙K11111", platform.qr(truck_a))
        await rig.wait_state("entering")
        await platform.stop()
        rig.indicator.set(16_000)
        await rig.wait_state("exiting")
        assert rig.said("离线称重完成")
        rig.indicator.set(0)
        await rig.wait_state("idle")

        # Offline, a pass shown on the wrong truck is refused from the bundle; the barrier stays shut.
        entries_before = rig.entry.commands.count("open")
        rig.arrive("蒙K33333", platform.qr(truck_a))
        await rig.wait_state("refused")
        assert rig.display.last == "车牌与通行码不符"
        await rig.wait_state("idle")
        assert rig.entry.commands.count("open") == entries_before

        # B comes back loaded: verified offline from the bundle, a gross after the local tare.
        await rig.drive_through("蒙K22222", platform.qr(truck_b), 46_000)
        assert rig.said("离线验证通过")
        assert rig.lane.snapshot()["online"] is False and rig.lane.snapshot()["outbox"] == 2
        outbox = rig.lane.outbox
        assert outbox is not None
        pending = await outbox.pending()
        assert [(r.body["orderId"], r.body["kind"], r.body["offline"]) for r in pending] == [
            (str(truck_a.id), "tare", True), (str(truck_b.id), "gross", True)]
        weighed_at = {r.weighing_id: r.body["weighedAt"] for r in pending}
        assert len(platform.weighings) == 1  # nothing reached the platform meanwhile

        await platform.start()  # the link returns: the heartbeat notices, the uploader drains
        await until(lambda: outbox.pending_count == 0, what="outbox drained")
        await asyncio.sleep(0.3)  # a few more heartbeats and uploader rounds: nothing is sent twice

    assert set(weighed_at) <= set(platform.weighings) and len(platform.weighings) == 3
    for weighing_id, at in weighed_at.items():
        assert platform.posts[weighing_id] == 1
        assert platform.weighings[weighing_id]["weighedAt"] == at
        assert platform.answers[weighing_id]["accepted"] is True  # signatures made offline still verify
    assert truck_a.tare_kg == 16_000 and truck_b.gross_kg == 46_000


async def test_offline_tare_then_gross_of_one_truck_upload_in_order(platform: FakePlatform, tmp_path: Path) -> None:
    truck = platform.add_order("蒙K11111")
    async with LaneRig(platform, tmp_path) as rig:
        await until(lambda: rig.lane.gate is not None and rig.lane.gate.bundle is not None, what="bundle")
        await platform.stop()
        await until(lambda: rig.lane.snapshot()["online"] is False, what="link down")
        await rig.drive_through("蒙K11111", platform.qr(truck), 15_000)
        await rig.drive_through("蒙K11111", platform.qr(truck), 45_000)
        rig.arrive("蒙K11111", platform.qr(truck))  # a third time: both weighings made here already
        await rig.wait_state("refused")
        assert rig.display.last == "该提煤单已完成两次称重"
        await rig.wait_state("idle")
        await platform.start()
        assert rig.lane.outbox is not None
        await until(lambda: rig.lane.outbox is not None and rig.lane.outbox.pending_count == 0, what="drained")
    # The gross was accepted, so the tare reached the platform first.
    assert truck.tare_kg == 15_000 and truck.gross_kg == 45_000
    assert all(a["accepted"] for a in platform.answers.values()) and len(platform.answers) == 2


async def test_plate_only_offline_accepts_only_plates_in_the_bundle(platform: FakePlatform, tmp_path: Path) -> None:
    platform.plate_only = True
    platform.add_order("蒙K11111")
    async with LaneRig(platform, tmp_path, plate_only_allowed=True) as rig:
        await until(lambda: rig.lane.gate is not None and rig.lane.gate.bundle is not None, what="bundle")
        await platform.stop()
        await until(lambda: rig.lane.snapshot()["online"] is False, what="link down")
        rig.arrive("蒙K99999")
        await rig.wait_state("refused")
        assert rig.display.last == "本场站没有该车的提煤单"
        await rig.wait_state("idle")
        await rig.drive_through("蒙K11111", None, 15_000)
    assert rig.entry.commands.count("open") == 1


async def _one_body(outbox: Outbox, order_id: str, kind: str = "tare") -> dict[str, object]:
    body = signed({
        "weighingId": str(uuid.uuid4()), "orderId": order_id, "kind": kind, "plateRead": "蒙K11111",
        "weightKg": 15_000, "stable": {"medianKg": 15_000, "minKg": 15_000, "maxKg": 15_000, "samples": 30,
                                       "holdS": 3.0},
        "trace": [[0, 600], [3000, 15_000]], "onScaleAt": "2026-11-24T08:00:00+08:00",
        "weighedAt": "2026-11-24T08:00:03+08:00", "gratings": {"inBlocked": False, "outBlocked": False},
        "offline": True, "pictures": [],
    }, SECRET)
    await outbox.put(body, order_id=order_id, kind=kind, weight_kg=15_000, weighed_at=str(body["weighedAt"]))
    return body


async def test_a_crash_between_upload_and_mark_sent_resends_the_same_weighing_id(
    platform: FakePlatform, tmp_path: Path
) -> None:
    order = platform.add_order("蒙K11111")
    config = lane_config(tmp_path, platform.site_id, platform.base_url)
    link = PlatformLink.from_config(config)
    outbox = await Outbox.open(config.outbox_path)
    body = await _one_body(outbox, str(order.id))
    await link.submit_weighing(body)  # uploaded ... and the lane dies before marking it sent
    outbox.close()

    outbox = await Outbox.open(config.outbox_path)  # the lane restarts
    assert outbox.pending_count == 1
    await Uploader(outbox, link, retry_min_s=0.05, retry_max_s=0.1).drain()
    weighing_id = str(body["weighingId"])
    row = await outbox.row(weighing_id)
    assert row is not None and row.sent_at is not None and row.answer is not None
    assert row.answer["duplicate"] is True and row.answer["accepted"] is True
    assert platform.posts[weighing_id] == 2 and len(platform.weighings) == 1
    await Uploader(outbox, link, retry_min_s=0.05, retry_max_s=0.1).drain()
    assert platform.posts[weighing_id] == 2  # sent means sent: never again
    outbox.close()
    await link.aclose()


async def test_outbox_retries_5xx_and_fails_a_malformed_request_once(platform: FakePlatform, tmp_path: Path) -> None:
    order = platform.add_order("蒙K11111")
    config = lane_config(tmp_path, platform.site_id, platform.base_url)
    link = PlatformLink.from_config(config)
    outbox = await Outbox.open(config.outbox_path)
    good = await _one_body(outbox, str(order.id))
    uploader = Uploader(outbox, link, retry_min_s=0.05, retry_max_s=0.1)

    platform.fail_weighings_with = 503
    try:
        await uploader.drain()
        raise AssertionError("a 503 must count as the link being down")
    except LinkDown:
        pass
    row = await outbox.row(str(good["weighingId"]))
    assert row is not None and row.sent_at is None and row.failed_at is None and row.attempts == 1
    assert link.online is False and outbox.pending_count == 1

    platform.fail_weighings_with = None
    bad = dict(await _one_body(outbox, str(order.id), "gross"))
    assert await outbox.last_kind(str(order.id)) == "gross"
    bad_id = str(bad["weighingId"])
    await outbox.replace_body(bad_id, {k: v for k, v in bad.items() if k != "pictures"})  # the platform says 422
    await uploader.drain()
    await uploader.drain()
    bad_row = await outbox.row(bad_id)
    assert bad_row is not None and bad_row.failed_at is not None and "validation_failed" in (bad_row.last_error or "")
    assert platform.attempts[bad_id] == 1 and platform.posts[bad_id] == 0  # refused once, never retried
    assert outbox.pending_count == 0 and str(good["weighingId"]) in platform.weighings
    assert await outbox.last_kind(str(order.id)) == "tare"  # the failed one no longer counts as weighed
    outbox.close()
    await link.aclose()
