"""A whole simulated weighbridge lane: the simulated devices (a pymodbus weighbridge, a Modbus I/O
module with both barriers and gratings, a camera that pushes ISAPI events) and the real lane
controller driving them through its real adapters, built from a lane config exactly as
`python -m devices.lane` builds it. Used by the end-to-end tests and by `make run`'s demo lane.

    lane = SimulatedLane(platform_url=..., key_id=..., secret=..., device_code=..., site_id=..., lane_id=...,
                         outbox_path=...)
    await lane.start()
    await SimTruck("蒙K66888").drive_through(lane.physical, kg=15_240)
    await lane.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path
from typing import Any

from devices.lane.config import LaneConfig
from devices.lane.controller import LaneController
from devices.lane.factory import build
from devices.lane.link import PlatformLink
from devices.sim.camera import SimAnprCamera
from devices.sim.io_module import BARRIERS, SENSORS, SimIoModule
from devices.sim.truck import SimLane
from devices.sim.weighbridge import SimWeighbridge


class SimulatedLane:
    def __init__(self, *, platform_url: str, key_id: str, secret: str, device_code: str, site_id: uuid.UUID,
                 lane_id: str, outbox_path: Path, plate_only: bool = False, hold_s: float = 1.0,
                 display: dict[str, Any] | None = None, timeouts: dict[str, float] | None = None) -> None:
        self.codes: asyncio.Queue[str] = asyncio.Queue()  # what the lane's QR scanner reads
        self._settings = dict(platform_url=platform_url, key_id=key_id, secret=secret, device_code=device_code,
                              site_id=str(site_id), lane_id=lane_id, outbox_path=str(outbox_path),
                              plate_only_allowed=plate_only, hold_s=hold_s)
        self._display = display or {"kind": "log"}
        self._timeouts = timeouts or {}
        self.scale = SimWeighbridge()
        self.io = SimIoModule()
        self.controller: LaneController | None = None
        self.physical: SimLane | None = None
        self._task: asyncio.Task[None] | None = None
        self._camera: Any = None
        self._link: PlatformLink | None = None

    def config(self) -> LaneConfig:
        s = self._settings
        in_open, in_close, in_opened, in_closed = BARRIERS["in"]
        out_open, out_close, out_opened, out_closed = BARRIERS["out"]
        return LaneConfig.from_dict({
            "platform_url": s["platform_url"], "key_id": s["key_id"], "secret": s["secret"],
            "device_code": s["device_code"], "site_id": s["site_id"], "lane_id": s["lane_id"],
            "plate_only_allowed": s["plate_only_allowed"],
            "stability": {"division_kg": 20, "on_scale_kg": 500, "k_divisions": 2, "hold_s": s["hold_s"]},
            "empty_kg": 200, "heartbeat_s": 2, "bundle_refresh_s": 60, "outbox_path": s["outbox_path"],
            "timeouts": {"barrier_s": 5, "request_s": 3, "message_hold_s": 1, "gone_hold_s": 0.5,
                         "retry_min_s": 0.5, "retry_max_s": 2, **self._timeouts},
            "indicator": {"kind": "modbus", "host": "127.0.0.1", "port": self.scale.port, "period_s": 0.05,
                          "registers": {"address": 0, "type": "int32", "word_order": "big",
                                        "status": {"address": 2, "motion_bit": 12}}},
            "camera": {"kind": "hikvision_receiver", "host": "127.0.0.1", "port": 0},
            "io": {"kind": "modbus", "module": {"host": "127.0.0.1", "port": self.io.port},
                   "sensors": {name: address for name, address in SENSORS.items()},
                   "entry_barrier": {"open_coil": in_open, "close_coil": in_close, "opened_input": in_opened,
                                     "closed_input": in_closed, "pulse_s": 0.1, "confirm_timeout_s": 3},
                   "exit_barrier": {"open_coil": out_open, "close_coil": out_close, "opened_input": out_opened,
                                    "closed_input": out_closed, "pulse_s": 0.1, "confirm_timeout_s": 3}},
            "display": self._display,
        })

    async def start(self) -> None:
        await self.scale.start()
        await self.io.start()
        config = self.config()
        adapters = build(config)
        self._camera = adapters.camera
        await self._camera.start("127.0.0.1", 0)
        self.physical = SimLane(scale=self.scale, io=self.io,
                                camera=SimAnprCamera(f"http://127.0.0.1:{self._camera.port}/ISAPI/anpr"))
        self._link = PlatformLink.from_config(config)
        self.controller = LaneController(
            config, indicator=adapters.indicator, camera=adapters.camera, codes=self.codes,
            entry_barrier=adapters.entry_barrier, exit_barrier=adapters.exit_barrier, sensors=adapters.sensors,
            display=adapters.display, platform=self._link)
        self._task = asyncio.create_task(self.controller.run(), name=f"lane {config.lane_id}")

    async def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                async with asyncio.timeout(10):
                    await self._task
        if self._camera is not None:
            await self._camera.stop()
        if self._link is not None:
            await self._link.aclose()
        await self.io.stop()
        await self.scale.stop()
