"""A scripted indicator for tests and the lane's unit tests: it plays back weights the test sets."""

from __future__ import annotations

import asyncio
import time

from devices.weighbridge.base import IndicatorError, Sample


class FakeIndicator:
    """`set(kg)` changes what the scale shows; `read()` returns it every `period_s` (an indicator's
    output rate). `fail(True)` makes reads raise IndicatorError, as a dropped line does."""

    def __init__(self, *, period_s: float = 0.05, kg: int = 0, motion: bool | None = None) -> None:
        self.period_s = period_s
        self.kg = kg
        self.motion = motion
        self.failing = False
        self.reads = 0

    def set(self, kg: int, *, motion: bool | None = None) -> None:
        self.kg = kg
        self.motion = motion

    def fail(self, failing: bool = True) -> None:
        self.failing = failing

    async def connect(self) -> None:
        return None

    async def read(self) -> Sample:
        await asyncio.sleep(self.period_s)
        if self.failing:
            raise IndicatorError("fake indicator: link down")
        self.reads += 1
        return Sample(t_s=time.monotonic(), kg=self.kg, motion=self.motion)

    async def close(self) -> None:
        return None
