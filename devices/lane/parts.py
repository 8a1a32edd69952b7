"""Everything one truck's cycle works with, and the small actions every step needs: tell the
driver (screen and voice at once), move a barrier with a deadline, read the sensors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from devices.camera.base import PlateRead
from devices.display.base import Display, DisplayError
from devices.io.base import Barrier, IoError, LaneSensors, Sensors
from devices.lane.config import LaneConfig
from devices.lane.intake import Mailbox
from devices.lane.link import PlatformLink
from devices.lane.offline import OfflineGate
from devices.lane.outbox import Outbox
from devices.lane.scale import ScaleFeed
from devices.lane.states import LaneStatus, State, message
from devices.lane.uploader import Uploader

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LaneParts:
    config: LaneConfig
    feed: ScaleFeed
    sensors: Sensors
    entry_barrier: Barrier
    exit_barrier: Barrier
    display: Display
    status: LaneStatus
    link: PlatformLink
    gate: OfflineGate
    outbox: Outbox
    uploader: Uploader
    plates: Mailbox[PlateRead]
    codes: Mailbox[str]
    clock: Callable[[], float]
    wall_clock: Callable[[], datetime]

    async def tell(self, zh: str, en: str = "", *, level: str = "info", say: bool = True,
                   state: State | None = None) -> None:
        """Show and say one message (and enter `state`). A broken screen never stops the lane."""
        if state is not None:
            self.status.enter(state, message_zh=zh)
        else:
            self.status.message = zh
        try:
            await self.display.show(text_zh=zh, text_en=en, level=level)
            if say:
                await self.display.say(text_zh=zh)
        except DisplayError as exc:
            log.warning("display: %s", exc)

    async def tell_code(self, code: str, *, level: str = "info", say: bool = True, state: State | None = None) -> None:
        zh, en = message(code)
        await self.tell(zh, en, level=level, say=say, state=state)

    async def move(self, barrier: Barrier, action: Literal["open", "close"]) -> bool:
        """Command a barrier and wait for its confirmation; False if it was not confirmed in time."""
        try:
            async with asyncio.timeout(self.config.timeouts.barrier_s):
                await (barrier.open() if action == "open" else barrier.close())
        except (IoError, TimeoutError) as exc:
            log.error("barrier %s not confirmed: %s", action, exc)
            return False
        return True

    async def read_sensors(self) -> LaneSensors:
        return await self.sensors.read()

    async def hold_message(self) -> None:
        """Leave a refusal on the screen for a while before the lane turns to the next truck."""
        await asyncio.sleep(self.config.timeouts.message_hold_s)
