"""The lane controller: one async state machine per weighbridge lane, with its helpers beside it.

`run()` starts the scale reader, the camera and scanner pumps, the outbox uploader, the bundle
refresher and the heartbeat, then runs truck cycles (devices.lane.cycle) until `stop()`. Any
helper that fails is logged and restarted; a cycle that fails puts the lane into "fault" until the
scale is empty, then it starts over. `snapshot()` is the lane's state for observers, also posted
as its heartbeat at each state change and every `heartbeat_s`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from devices.camera.base import PlateSource
from devices.display.base import Display
from devices.io.base import Barrier, Sensors
from devices.lane.answers import LinkDown, PlatformError
from devices.lane.config import LaneConfig
from devices.lane.cycle import recover, run_cycle
from devices.lane.intake import CodeSource, Mailbox, QueueCodes, pump
from devices.lane.link import PlatformLink
from devices.lane.offline import OfflineGate
from devices.lane.outbox import Outbox
from devices.lane.parts import LaneParts
from devices.lane.scale import ScaleFeed
from devices.lane.states import LaneStatus, State
from devices.lane.uploader import Uploader
from devices.passcode import PassRefused
from devices.weighbridge.base import Indicator

log = logging.getLogger(__name__)
RESTART_S = 1.0  # a crashed helper task comes back after this


def _local_now() -> datetime:
    return datetime.now().astimezone()


class LaneController:
    def __init__(self, config: LaneConfig, *, indicator: Indicator, camera: PlateSource,
                 codes: asyncio.Queue[str] | CodeSource, entry_barrier: Barrier, exit_barrier: Barrier,
                 sensors: Sensors, display: Display, platform: PlatformLink,
                 clock: Callable[[], float] = time.monotonic, wall_clock: Callable[[], datetime] = _local_now,
                 outbox: Outbox | None = None) -> None:
        self.config = config
        self.camera = camera
        self.codes: CodeSource = QueueCodes(codes) if isinstance(codes, asyncio.Queue) else codes
        self.entry_barrier, self.exit_barrier = entry_barrier, exit_barrier
        self.sensors, self.display, self.link = sensors, display, platform
        self.clock, self.wall_clock = clock, wall_clock
        self.feed = ScaleFeed(indicator)
        self.outbox: Outbox | None = outbox
        self._own_outbox = outbox is None
        self.gate: OfflineGate | None = None
        self.uploader: Uploader | None = None
        self.status = LaneStatus(online=lambda: self.link.online,
                                 outbox=lambda: 0 if self.outbox is None else self.outbox.pending_count,
                                 weight_kg=lambda: None if self.feed.latest is None else self.feed.latest.kg)
        self._stop = asyncio.Event()

    @property
    def state(self) -> State:
        return self.status.state

    def snapshot(self) -> dict[str, object]:
        return self.status.snapshot()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        config = self.config
        outbox = self.outbox = self.outbox or await Outbox.open(config.outbox_path)
        self.gate = gate = OfflineGate(site_id=config.site_id, device_secret=config.secret,
                                       plate_only_allowed=config.plate_only_allowed, outbox=outbox)
        await gate.restore()
        self.uploader = uploader = Uploader(outbox, self.link, retry_min_s=config.timeouts.retry_min_s,
                                            retry_max_s=config.timeouts.retry_max_s)
        self.link.add_listener(self._on_link)
        lane = LaneParts(config=config, feed=self.feed, sensors=self.sensors, entry_barrier=self.entry_barrier,
                         exit_barrier=self.exit_barrier, display=self.display, status=self.status, link=self.link,
                         gate=gate, outbox=outbox, uploader=uploader, plates=Mailbox(self.clock),
                         codes=Mailbox(self.clock), clock=self.clock, wall_clock=self.wall_clock)
        helpers: list[tuple[str, Callable[[], Awaitable[None]]]] = [
            ("scale", self.feed.run),
            ("camera", lambda: pump(self.camera.next_read, lane.plates, "camera")),
            ("scanner", lambda: pump(self.codes.next_code, lane.codes, "scanner")),
            ("uploader", uploader.run),
            ("bundle", lambda: self._refresh_bundle(gate)),
            ("heartbeat", self._heartbeat),
            ("cycles", lambda: self._cycles(lane)),
        ]
        tasks = [asyncio.create_task(_supervised(name, fn), name=f"lane-{name}") for name, fn in helpers]
        try:
            await self._stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.status.enter("stopped")
            await self.feed.close()
            if self._own_outbox:
                outbox.close()

    def _on_link(self, online: bool) -> None:
        if online and self.uploader is not None:
            self.uploader.wake()
        self.status.changed.set()

    async def _cycles(self, lane: LaneParts) -> None:
        await lane.move(self.entry_barrier, "close")
        await lane.move(self.exit_barrier, "close")
        while True:
            try:
                await run_cycle(lane)
            except Exception:
                log.exception("lane cycle failed")
                await recover(lane)

    async def _heartbeat(self) -> None:
        """Best effort, in its own task: a slow or absent platform never holds up a truck."""
        while True:
            try:
                async with asyncio.timeout(self.config.heartbeat_s):
                    await self.status.changed.wait()
            except TimeoutError:
                pass
            self.status.changed.clear()
            try:
                await self.link.heartbeat(self.snapshot())
            except (LinkDown, PlatformError) as exc:
                log.debug("heartbeat not sent: %s", exc)

    async def _refresh_bundle(self, gate: OfflineGate) -> None:
        while True:
            try:
                await gate.refresh(self.link)
                wait_s = self.config.bundle_refresh_s
            except (LinkDown, PlatformError, PassRefused) as exc:
                log.warning("pass bundle not refreshed: %s", exc)
                wait_s = min(self.config.bundle_refresh_s, self.config.timeouts.retry_max_s)
            await asyncio.sleep(wait_s)


async def _supervised(name: str, fn: Callable[[], Awaitable[None]]) -> None:
    while True:
        try:
            await fn()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("lane helper %s crashed; restarting", name)
            await asyncio.sleep(RESTART_S)
