"""A plate source fed by the test: `push()` a read, the lane's `next_read()` gets it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from devices.camera.base import PlateRead


class FakeCamera:
    def __init__(self, camera: str = "fake-cam") -> None:
        self.camera = camera
        self._reads: asyncio.Queue[PlateRead] = asyncio.Queue()
        self._n = 0

    def push(self, plate: str, *, colour: str = "yellow", pictures: dict[str, bytes] | None = None) -> PlateRead:
        self._n += 1
        read = PlateRead(plate=plate, colour=colour, event_id=f"{self.camera}-{self._n}", at=datetime.now(UTC),
                         camera=self.camera, confidence=95, pictures=pictures or {})
        self._reads.put_nowait(read)
        return read

    async def next_read(self) -> PlateRead:
        return await self._reads.get()
