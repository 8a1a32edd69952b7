"""Whole truck cycles through a lane on fakes, against the fake platform over real HTTP."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime
from pathlib import Path

from tests.devices.lane.platform import FakePlatform
from tests.devices.lane.rig import JPEG, LaneRig, until


async def test_a_tare_cycle_end_to_end(platform: FakePlatform, tmp_path: Path) -> None:
    order = platform.add_order("蒙K66888")
    async with LaneRig(platform, tmp_path) as rig:
        assert rig.display.shown[-1][0] == "error"  # idle: red
        rig.arrive("蒙K66888", platform.qr(order))
        await rig.wait_state("entering")
        assert rig.display.shown[-1][0] == "ok"  # drive on: green
        # The state change reaches the platform as a heartbeat while the truck drives on.
        await until(lambda: any(h["status"]["state"] == "entering" for h in platform.heartbeats), what="heartbeat")
        beat = next(h for h in platform.heartbeats if h["status"]["state"] == "entering")
        assert beat["deviceCode"] == "WB-TEST"
        assert beat["status"]["plate"] == "蒙K66888" and beat["status"]["orderNo"] == order.no
        rig.indicator.set(15_240)
        await rig.wait_state("exiting")
        rig.indicator.set(0)
        await rig.wait_state("idle")
        snapshot = rig.lane.snapshot()

    assert platform.identifies[0]["plateRead"] == "蒙K66888" and platform.identifies[0]["code"]
    [(weighing_id, body)] = platform.weighings.items()
    assert platform.posts[weighing_id] == 1
    assert platform.answers[weighing_id]["accepted"] is True  # the body signature verified
    assert body["orderId"] == str(order.id) and body["kind"] == "tare" and body["weightKg"] == 15_240
    assert body["stable"]["medianKg"] == 15_240 and body["stable"]["samples"] >= 2 and body["stable"]["holdS"] >= 0.3
    assert body["gratings"] == {"inBlocked": False, "outBlocked": False} and body["offline"] is False
    assert body["pictures"] == [{"name": "licensePlatePicture.jpg", "contentB64": base64.b64encode(JPEG).decode()}]
    trace = body["trace"]
    assert 2 <= len(trace) <= 2000 and trace[-1][1] == 15_240
    assert [p[0] for p in trace] == sorted(p[0] for p in trace)
    assert datetime.fromisoformat(body["onScaleAt"]) <= datetime.fromisoformat(body["weighedAt"])
    assert order.tare_kg == 15_240
    # Barriers: closed at start, the entry opened and closed behind the truck, the exit likewise.
    assert rig.entry.commands == ["close", "open", "close"]
    assert rig.exit.commands == ["close", "open", "close"]
    assert rig.said("皮重已记录") and rig.said("15240 kg")
    assert snapshot == {"state": "idle", "plate": None, "weightKg": 0, "orderNo": None,
                        "message": "请停车，扫码过磅", "online": True, "outbox": 0}


async def test_a_gross_cycle_shows_net_and_ticket(platform: FakePlatform, tmp_path: Path) -> None:
    order = platform.add_order("蒙K66888")
    async with LaneRig(platform, tmp_path) as rig:
        await rig.drive_through("蒙K66888", platform.qr(order), 15_000)
        await rig.drive_through("蒙K66888", platform.qr(order), 45_020)
    gross = [b for b in platform.weighings.values() if b["kind"] == "gross"]
    assert len(gross) == 1 and gross[0]["weightKg"] == 45_020
    assert order.gross_kg == 45_020
    assert rig.said("净重 30020 kg") and rig.said("磅单号 BD")


async def test_refusal_at_identify_keeps_the_barrier_closed(platform: FakePlatform, tmp_path: Path) -> None:
    order = platform.add_order("蒙K12345", called=False)
    async with LaneRig(platform, tmp_path) as rig:
        rig.arrive("蒙K12345", platform.qr(order))
        await rig.wait_state("refused")
        assert rig.display.last == "尚未叫号，请在排队区等候叫号后入场"
        assert rig.said("尚未叫号")
        await rig.wait_state("idle")
        # A stranger's pass shown by another truck is refused by the platform too (wrong plate).
        rig.arrive("蒙K99999", platform.qr(order))
        await rig.wait_state("refused")
        await rig.wait_state("idle")
    assert "open" not in rig.entry.commands and "open" not in rig.exit.commands
    assert platform.weighings == {} and len(platform.identifies) == 2


async def test_a_blocked_grating_waits_with_a_warning_until_cleared(platform: FakePlatform, tmp_path: Path) -> None:
    order = platform.add_order("蒙K66888")
    async with LaneRig(platform, tmp_path) as rig:
        rig.arrive("蒙K66888", platform.qr(order))
        await rig.wait_state("entering")
        rig.sensors.set(grating_out=True)  # front wheels past the platform
        rig.indicator.set(15_000)
        await rig.wait_state("positioning")
        assert rig.said("车辆位置错误，请正确停车")
        await asyncio.sleep(0.6)  # twice the hold: a blocked truck is never weighed
        assert rig.lane.state == "positioning" and platform.weighings == {}
        cleared_at = datetime.now().astimezone()
        rig.sensors.set()
        await rig.wait_state("exiting")
        rig.indicator.set(0)
        await rig.wait_state("idle")
    [body] = platform.weighings.values()
    assert body["gratings"] == {"inBlocked": False, "outBlocked": False}
    held_s = (datetime.fromisoformat(body["weighedAt"]) - cleared_at).total_seconds()
    assert held_s >= 0.3  # the hold counted only from when the truck stood right


async def test_a_remote_control_jump_during_the_hold_restarts_it(platform: FakePlatform, tmp_path: Path) -> None:
    order = platform.add_order("蒙K66888")
    async with LaneRig(platform, tmp_path) as rig:
        rig.arrive("蒙K66888", platform.qr(order))
        await rig.wait_state("entering")
        rig.indicator.set(30_000)
        await rig.wait_state("weighing")
        await asyncio.sleep(0.15)  # half the hold
        jumped_at = datetime.now().astimezone()
        rig.indicator.set(30_500)  # a box on the load cell adds 500 kg while the truck stands still
        await rig.wait_state("exiting")
        rig.indicator.set(0)
        await rig.wait_state("idle")
    [body] = platform.weighings.values()
    assert body["weightKg"] == 30_500 and body["stable"]["minKg"] == 30_500
    assert (datetime.fromisoformat(body["weighedAt"]) - jumped_at).total_seconds() >= 0.3
    kgs = {p[1] for p in body["trace"]}
    assert {30_000, 30_500} <= kgs  # the step is in the trace for the platform to see


async def test_overweight_holds_the_truck_with_the_exit_closed(platform: FakePlatform, tmp_path: Path) -> None:
    order = platform.add_order("蒙K66888")
    async with LaneRig(platform, tmp_path) as rig:
        await rig.drive_through("蒙K66888", platform.qr(order), 15_000)
        rig.arrive("蒙K66888", platform.qr(order))
        await rig.wait_state("entering")
        rig.indicator.set(52_000)
        await rig.wait_state("holding")
        assert rig.display.last == "超载，禁止出场" and rig.said("超载")
        await asyncio.sleep(0.2)
        assert rig.lane.state == "holding"
        rig.indicator.set(0)  # the site staff took the truck off the scale
        await rig.wait_state("idle")
    assert rig.exit.commands == ["close", "open", "close"]  # only the tare's exit
    assert rig.entry.commands.count("open") == 2  # the two entries, no more
    assert order.gross_kg is None


async def test_a_code_timeout_returns_to_idle_without_asking_the_platform(
    platform: FakePlatform, tmp_path: Path
) -> None:
    async with LaneRig(platform, tmp_path, timeouts={"code_window_s": 0.2, "message_hold_s": 0.05}) as rig:
        rig.arrive("蒙K66888")
        await rig.wait_state("identifying")
        await until(lambda: rig.said("未扫到通行码"))
        await rig.wait_state("idle")
    assert platform.identifies == [] and "open" not in rig.entry.commands
