"""A lane on fakes (indicator, camera, scanner queue, barriers, sensors, display) wired to the fake
platform over real HTTP, with helpers that play a truck's part."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.camera.fake import FakeCamera
from devices.display.fake import FakeDisplay
from devices.io.fake import FakeBarrier, FakeSensors
from devices.lane import LaneConfig, LaneController, PlatformLink
from devices.weighbridge.fake import FakeIndicator
from tests.devices.lane.platform import FakePlatform

KEY_ID = "mk_lane_test"
SECRET = "lane-secret-for-tests"
JPEG = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"


def lane_config(tmp_path: Path, site_id: uuid.UUID, base_url: str, **overrides: Any) -> LaneConfig:
    data: dict[str, Any] = {
        "platform_url": base_url, "key_id": KEY_ID, "secret": SECRET, "device_code": "WB-TEST",
        "site_id": str(site_id), "lane_id": "lane-1", "plate_only_allowed": False,
        "stability": {"division_kg": 20, "on_scale_kg": 500, "k_divisions": 2, "hold_s": 0.3},
        "empty_kg": 200,
        "timeouts": {"barrier_s": 1, "position_wait_s": 5, "weigh_s": 5, "request_s": 1, "code_window_s": 2,
                     "message_hold_s": 0.2, "gone_hold_s": 0.05, "retry_min_s": 0.05, "retry_max_s": 0.2},
        "bundle_refresh_s": 60, "heartbeat_s": 0.2,
        "outbox_path": str(tmp_path / "outbox.sqlite"),
    }
    data.update(overrides)
    return LaneConfig.from_dict(data)


async def until(predicate: Callable[[], bool], *, timeout_s: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


class LaneRig:
    def __init__(self, platform: FakePlatform, tmp_path: Path, **overrides: Any) -> None:
        self.platform = platform
        self.config = lane_config(tmp_path, platform.site_id, platform.base_url, **overrides)
        self.indicator = FakeIndicator(period_s=0.01)
        self.camera = FakeCamera()
        self.codes: asyncio.Queue[str] = asyncio.Queue()
        self.entry, self.exit = FakeBarrier("entry"), FakeBarrier("exit")
        self.sensors = FakeSensors()
        self.display = FakeDisplay()
        self.link = PlatformLink.from_config(self.config)
        self.lane = LaneController(self.config, indicator=self.indicator, camera=self.camera, codes=self.codes,
                                   entry_barrier=self.entry, exit_barrier=self.exit, sensors=self.sensors,
                                   display=self.display, platform=self.link)
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> LaneRig:
        self._task = asyncio.create_task(self.lane.run())
        await self.wait_state("idle")
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.lane.stop()
        assert self._task is not None
        await asyncio.wait_for(self._task, 5)
        await self.link.aclose()

    async def wait_state(self, state: str, timeout_s: float = 5.0) -> None:
        await until(lambda: self.lane.state == state, timeout_s=timeout_s, what=f"state {state} "
                    f"(now {self.lane.state}, screen {self.display.last!r})")

    def arrive(self, plate: str, code: str | None = None) -> None:
        self.camera.push(plate, pictures={"licensePlatePicture.jpg": JPEG})
        if code is not None:
            self.codes.put_nowait(code)

    async def drive_through(self, plate: str, code: str | None, kg: int) -> None:
        """A whole accepted cycle: identify, drive on, stand still at `kg`, leave."""
        self.arrive(plate, code)
        await self.wait_state("entering")
        self.indicator.set(kg)
        await self.wait_state("exiting")
        self.indicator.set(0)
        await self.wait_state("idle")

    def said(self, text: str) -> bool:
        return any(text in s for s in self.display.said)
