"""What arrives at the lane unasked: plate reads from the camera and pass codes from the QR scanner.

Both are pumped by background tasks into a `Mailbox` that keeps the latest item with its arrival
time: a driver may scan before or after the camera reads the plate, and the lane pairs them within
a window. Taking an item consumes it, so one scan never serves two trucks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)
MAX_CODE_CHARS = 2048  # a pass is ~260 characters; a longer "line" is noise on the scanner's port


class CodeSource(Protocol):
    async def next_code(self) -> str:
        """The next scanned text (one line, without its CR/LF)."""
        ...


class QueueCodes:
    """A CodeSource over an asyncio.Queue (tests, or a scanner read elsewhere)."""

    def __init__(self, queue: asyncio.Queue[str]) -> None:
        self.queue = queue

    async def next_code(self) -> str:
        return await self.queue.get()


class TcpScanner:
    """A QR scanner on a serial port behind a TCP serial server: one code per CR/LF-terminated line.
    Reconnects after a dropped link."""

    def __init__(self, *, host: str, port: int, reconnect_s: float = 2.0) -> None:
        self.host, self.port, self.reconnect_s = host, port, reconnect_s
        self._reader: asyncio.StreamReader | None = None

    async def next_code(self) -> str:
        while True:
            if self._reader is None:
                try:
                    self._reader, _ = await asyncio.open_connection(self.host, self.port, limit=MAX_CODE_CHARS * 2)
                except OSError as exc:
                    log.warning("scanner %s:%d: %s", self.host, self.port, exc)
                    await asyncio.sleep(self.reconnect_s)
                    continue
            try:
                line = await self._reader.readuntil(b"\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                self._reader = None
                continue
            text = line.decode("utf-8", "replace").strip()
            if text and len(text) <= MAX_CODE_CHARS:
                return text


class Mailbox(Generic[T]):
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._item: T | None = None
        self._at_s = 0.0
        self._event = asyncio.Event()

    def put(self, item: T) -> None:
        self._item, self._at_s = item, self._clock()
        self._event.set()

    def take(self, *, max_age_s: float) -> T | None:
        """The latest item if it arrived within `max_age_s`, consumed; else None."""
        item, self._item = self._item, None
        self._event.clear()
        if item is None or self._clock() - self._at_s > max_age_s:
            return None
        return item

    async def wait(self, timeout_s: float | None = None) -> T | None:
        """The next item (or the one waiting), consumed; None after `timeout_s`."""
        try:
            async with asyncio.timeout(timeout_s):
                await self._event.wait()
        except TimeoutError:
            return None
        return self.take(max_age_s=float("inf"))


async def pump(source: Callable[[], Awaitable[T]], box: Mailbox[T], what: str) -> None:
    """Move items from `source()` into `box` forever."""
    while True:
        try:
            item = await source()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a broken camera or scanner must not stop the lane
            log.warning("%s source failed: %s", what, exc)
            await asyncio.sleep(1.0)
            continue
        box.put(item)
