"""The lane's smaller parts on their own: trace, config, body signature, link classification, factory."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import signal
import sys
import uuid
from pathlib import Path

import pytest

from devices.lane import LaneConfig, LinkDown, PlatformError, PlatformLink
from devices.lane.factory import build
from devices.lane.trace import WeightTrace
from devices.lane.weighing import body_signature, signed
from tests.devices.lane.platform import FakePlatform
from tests.devices.lane.rig import KEY_ID, SECRET, lane_config, until


def test_the_trace_is_bounded_even_and_keeps_the_last_reading() -> None:
    trace = WeightTrace(t0_s=100.0, max_points=2000)
    for i in range(50_001):  # 16 minutes at 50 Hz
        trace.add(100.0 + i * 0.02, 15_000 + i)
    points = trace.points()
    assert len(points) == 2000 and len(trace) == 50_001
    assert points[0] == [0, 15_000, 1] and points[-1] == [1_000_000, 65_000, 1]
    gaps = [b[0] - a[0] for a, b in zip(points, points[1:], strict=False)]
    assert max(gaps) <= 2.2 * (1_000_000 / 1999)  # evenly spread, not bunched at one end


def test_a_short_trace_is_kept_whole() -> None:
    trace = WeightTrace(t0_s=0.0)
    for i in range(5):
        trace.add(i * 0.1, 1000 * i, clear=i >= 3)  # crossing the entry grating until the fourth reading
    assert trace.points() == [[0, 0, 0], [100, 1000, 0], [200, 2000, 0], [300, 3000, 1], [400, 4000, 1]]


def test_the_body_signature_is_the_documented_hmac() -> None:
    body = {"weighingId": "w1", "plateRead": "蒙K66888", "weightKg": 15240, "stable": {"holdS": 3.0, "minKg": 1}}
    canonical = '{"plateRead":"蒙K66888","stable":{"holdS":3.0,"minKg":1},"weighingId":"w1","weightKg":15240}'
    expected = hmac.new(b"s3cret", canonical.encode("utf-8"), hashlib.sha256).hexdigest()
    assert body_signature(body, "s3cret") == expected
    assert signed({**body, "signature": "stale"}, "s3cret")["signature"] == expected
    assert body_signature({**body, "weightKg": 15260}, "s3cret") != expected


def test_config_from_a_file_and_its_refusals(tmp_path: Path) -> None:
    site = uuid.uuid4()
    good = {"platform_url": "https://mt.example.com", "key_id": "mk_1", "secret_env": "LANE_TEST_SECRET",
            "device_code": "WB-01", "site_id": str(site), "lane_id": "l1", "empty_kg": 200,
            "stability": {"division_kg": 20, "on_scale_kg": 500, "hold_s": 3.0}, "outbox_path": "var/o.sqlite",
            "indicator": {"kind": "fake"}}
    path = tmp_path / "lane.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LANE_TEST_SECRET", "from-env")
        config = LaneConfig.from_file(path)
    assert config.secret == "from-env" and config.site_id == site
    assert config.outbox_path == tmp_path / "var" / "o.sqlite"
    assert config.stability.k_divisions == 2 and config.timeouts.barrier_s == 10.0
    assert dict(config.adapters["indicator"]) == {"kind": "fake"}
    for broken, words in [
        ({**good, "hold_s": 3}, "unknown config keys: hold_s"),
        ({**good, "stability": {"division_kg": 20, "on_scale_kg": 500, "hold_S": 3}}, "unknown keys in stability"),
        ({**good, "empty_kg": 900}, "empty_kg"),
        ({**good, "site_id": "lane-1"}, "site_id"),
        ({**good, "timeouts": {"barrier_s": 0}}, "timeouts.barrier_s"),
        ({k: v for k, v in good.items() if k != "device_code"}, "missing config key: device_code"),
        ({**good, "secret": 5}, "secret"),
    ]:
        with pytest.raises(ValueError, match=words):
            LaneConfig.from_dict({**broken, "secret": broken.get("secret", "x")})


async def test_the_link_tells_down_from_refused(platform: FakePlatform, tmp_path: Path) -> None:
    link = PlatformLink.from_config(lane_config(tmp_path, platform.site_id, platform.base_url))
    with pytest.raises(PlatformError) as refused:
        await link.submit_weighing({"weighingId": "not-a-weighing"})
    assert refused.value.status == 422 and refused.value.code == "validation_failed"
    assert link.online is True  # a 4xx is an answer: the platform is there
    platform.fail_weighings_with = 500
    with pytest.raises(LinkDown):
        await link.submit_weighing({"weighingId": "x"})
    assert link.online is False
    platform.fail_weighings_with = None
    await platform.stop()
    with pytest.raises(LinkDown):
        await link.heartbeat({"state": "idle"})
    await link.aclose()


async def test_a_wrong_secret_is_a_platform_error_not_an_outage(platform: FakePlatform, tmp_path: Path) -> None:
    config = lane_config(tmp_path, platform.site_id, platform.base_url, secret="not-the-secret")
    link = PlatformLink.from_config(config)
    with pytest.raises(PlatformError) as refused:
        await link.heartbeat({"state": "idle"})
    assert refused.value.status == 401 and refused.value.code == "signature_invalid"
    await link.aclose()
    platform.auth_failures.clear()  # expected here


def test_the_factory_builds_fakes_and_names_unknown_kinds(tmp_path: Path) -> None:
    base = lane_config(tmp_path, uuid.uuid4(), "http://127.0.0.1:9")
    sections = {"indicator": {"kind": "fake", "period_s": 0.5}, "camera": {"kind": "fake"},
                "io": {"kind": "fake", "entry_barrier": {"name": "in"}, "exit_barrier": {"name": "out"}},
                "display": {"kind": "fake"}}
    data = {"platform_url": base.platform_url, "key_id": base.key_id, "secret": base.secret,
            "device_code": base.device_code, "site_id": str(base.site_id), "lane_id": base.lane_id,
            "empty_kg": 200, "stability": {"division_kg": 20, "on_scale_kg": 500}}
    adapters = build(LaneConfig.from_dict({**data, **sections}))
    assert adapters.indicator.period_s == 0.5 and adapters.entry_barrier.name == "in"
    assert adapters.exit_barrier.name == "out" and adapters.camera_listen is None
    with pytest.raises(ValueError, match="indicator.kind must be one of"):
        build(LaneConfig.from_dict({**data, **sections, "indicator": {"kind": "carrier-pigeon"}}))
    with pytest.raises(ValueError, match="missing config section: display"):
        build(LaneConfig.from_dict({**data, **{k: v for k, v in sections.items() if k != "display"}}))


async def test_the_agent_runs_from_a_config_file_and_stops_on_sigterm(platform: FakePlatform, tmp_path: Path) -> None:
    config = {"platform_url": platform.base_url, "key_id": KEY_ID, "secret": SECRET, "device_code": "WB-AGENT",
              "site_id": str(platform.site_id), "lane_id": "l1", "empty_kg": 200, "heartbeat_s": 0.1,
              "stability": {"division_kg": 20, "on_scale_kg": 500}, "outbox_path": "outbox.sqlite",
              "indicator": {"kind": "fake"}, "camera": {"kind": "fake"}, "io": {"kind": "fake"},
              "display": {"kind": "log"}, "scanner": {"kind": "none"}}
    path = tmp_path / "lane.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    agent = await asyncio.create_subprocess_exec(sys.executable, "-m", "devices.lane", "--config", str(path),
                                                 stderr=asyncio.subprocess.PIPE)
    try:
        await until(lambda: any(h["deviceCode"] == "WB-AGENT" and h["status"]["state"] == "idle"
                                for h in platform.heartbeats), timeout_s=15, what="the agent's heartbeat")
    finally:
        agent.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(agent.communicate(), 10)
    assert agent.returncode == 0, stderr.decode()
    assert (tmp_path / "outbox.sqlite").exists()


async def test_the_agent_refuses_a_broken_config(tmp_path: Path) -> None:
    path = tmp_path / "lane.json"
    path.write_text('{"platform_url": "ftp://x"}', encoding="utf-8")
    agent = await asyncio.create_subprocess_exec(sys.executable, "-m", "devices.lane", "--config", str(path),
                                                 stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(agent.communicate(), 15)
    assert agent.returncode == 2 and b"missing config key" in stderr
