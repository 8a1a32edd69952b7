"""Reads the indicator all the time, so the lane always sees the newest reading.

A streaming indicator that is not read piles frames up; had the lane read only while a truck is on
the scale, it would start with readings seconds old. Here one task reads continuously and keeps the
latest sample; the cycle asks for the next one after the last it saw (`next`), skipping any it was
too slow for. A failing indicator is retried after `retry_s`; meanwhile `healthy` is False and no
sample arrives, so nothing is ever weighed on a stale value.
"""

from __future__ import annotations

import asyncio
import logging

from devices.weighbridge.base import Indicator, IndicatorError, Sample

log = logging.getLogger(__name__)


class ScaleFeed:
    def __init__(self, indicator: Indicator, *, retry_s: float = 1.0) -> None:
        self._indicator = indicator
        self._retry_s = retry_s
        self.latest: Sample | None = None
        self.healthy = False
        self._arrived = asyncio.Event()

    async def run(self) -> None:
        connected = False
        while True:
            try:
                if not connected:
                    await self._indicator.connect()
                    connected = True
                sample = await self._indicator.read()
            except IndicatorError as exc:
                if self.healthy:
                    log.warning("indicator failed: %s", exc)
                self.healthy = False
                await asyncio.sleep(self._retry_s)
                continue
            self.healthy = True
            self.latest = sample
            arrived, self._arrived = self._arrived, asyncio.Event()
            arrived.set()

    async def next(self, after: Sample | None) -> Sample:
        """The newest sample that is not `after` (waits for one)."""
        while self.latest is None or self.latest is after:
            await self._arrived.wait()
        return self.latest

    async def close(self) -> None:
        try:
            await self._indicator.close()
        except IndicatorError as exc:
            log.warning("indicator close failed: %s", exc)
