"""An indicator that streams its weight continuously (耀华 A9/A12, Toledo), read from a TCP serial
server or a local serial port, split into frames by the splitters of this package.

Garbage between frames and corrupted frames are the splitters' business (resync, count, skip);
this adapter turns good readings into `Sample`s, counts those it cannot use (a unit that is not kg,
a fraction of a kilogram) as refused "unit", and fails loudly on a dead link: EOF, an OS error or
`frame_timeout_s` without one good frame raise IndicatorError and drop the link, so the lane's next
connect() opens a fresh one.

A9's XOR check passes swapped digits (reference/devices.md §1.1), so `confirm_frames=N` yields a
reading only once the same frame arrived N times in a row; 2–3 is a good setting for A9.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Literal, Protocol

from devices.weighbridge.base import IndicatorError, Sample
from devices.weighbridge.reading import Reading
from devices.weighbridge.toledo import splitter as toledo_splitter
from devices.weighbridge.transport import ByteSource, SerialSource, TcpSource
from devices.weighbridge.yaohua import a9_splitter, a12_splitter


class Splitter(Protocol):
    refused: Counter[str]
    skipped_bytes: int

    def feed(self, chunk: bytes) -> list[Reading]: ...


def _toledo_short() -> Splitter:
    return toledo_splitter(with_checksum=False)


SPLITTERS: dict[str, Callable[[], Splitter]] = {
    "a9": a9_splitter,
    "a12": a12_splitter,
    "toledo": toledo_splitter,
    "toledo_no_checksum": _toledo_short,
}
# Readings kept between two read() calls; beyond this the oldest go (the lane wants fresh ones).
BACKLOG = 64


class StreamIndicator:
    """Indicator over a continuous-output stream. `protocol` is a key of SPLITTERS; the source is a
    TCP serial server (`host`, `port`) or a serial port (`serial_port`, any pyserial URL).
    `assume_unit` is the site's unit for formats without one (A9: "kg" or "t")."""

    def __init__(self, *, protocol: str, host: str = "", port: int = 0, serial_port: str | None = None,
                 baudrate: int = 9600, bytesize: int = 8, parity: str = "N", stopbits: float = 1,
                 assume_unit: Literal["kg", "t"] = "kg", confirm_frames: int = 1,
                 frame_timeout_s: float = 2.0, connect_timeout_s: float = 3.0,
                 name: str = "weighbridge") -> None:
        if protocol not in SPLITTERS:
            raise ValueError(f"protocol {protocol!r} is not one of {sorted(SPLITTERS)}")
        if serial_port is None and not (host and port):
            raise ValueError("give host and port (TCP serial server) or serial_port")
        if confirm_frames < 1:
            raise ValueError("confirm_frames must be at least 1")
        self.protocol, self.name = protocol, name
        self.assume_unit, self.confirm_frames = assume_unit, confirm_frames
        self.frame_timeout_s = frame_timeout_s
        self._make_source: Callable[[], ByteSource]
        if serial_port is not None:
            self._make_source = lambda: SerialSource(
                serial_port, baudrate=baudrate, bytesize=bytesize, parity=parity, stopbits=stopbits)
        else:
            self._make_source = lambda: TcpSource(host, port, connect_timeout_s=connect_timeout_s)
        self._source: ByteSource | None = None
        self._splitter = SPLITTERS[protocol]()
        self._refused_before: Counter[str] = Counter()  # counts of splitters of earlier links
        self._unit_refused = 0
        self._ready: deque[Sample] = deque(maxlen=BACKLOG)
        self._last_raw = b""
        self._run = 0
        self.unconfirmed = 0  # good frames held back waiting for confirm_frames identical ones

    @property
    def refused(self) -> Counter[str]:
        """Refused frames by reason ("format", "checksum", "out_of_range", "unit") since creation."""
        total = self._refused_before + self._splitter.refused
        if self._unit_refused:
            total["unit"] += self._unit_refused
        return total

    async def connect(self) -> None:
        if self._source is not None:
            return
        source = self._make_source()
        try:
            await source.open()
        except (TimeoutError, OSError, EOFError) as failed:
            raise IndicatorError(f"{self.name}: cannot open {source.where}: {failed}") from failed
        self._source = source
        # A fresh link starts mid-frame: fresh splitter, no old readings, no confirmation run.
        self._refused_before += self._splitter.refused
        self._splitter = SPLITTERS[self.protocol]()
        self._ready.clear()
        self._last_raw, self._run = b"", 0

    async def close(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            await source.close()

    async def read(self) -> Sample:
        source = self._source
        if source is None:
            raise IndicatorError(f"{self.name}: not connected")
        deadline_s = time.monotonic() + self.frame_timeout_s
        while not self._ready:
            try:
                remaining_s = deadline_s - time.monotonic()
                if remaining_s <= 0:
                    raise TimeoutError
                chunk = await asyncio.wait_for(source.read_chunk(), remaining_s)
            except TimeoutError:
                await self.close()
                raise IndicatorError(
                    f"{self.name}: no good {self.protocol} frame from {source.where} "
                    f"within {self.frame_timeout_s} s") from None
            except (OSError, EOFError) as failed:
                await self.close()
                raise IndicatorError(f"{self.name}: link to {source.where} failed: {failed}") from failed
            t_s = time.monotonic()
            for reading in self._splitter.feed(chunk):
                self._accept(reading, t_s)
        return self._ready.popleft()

    def _accept(self, reading: Reading, t_s: float) -> None:
        try:
            kg = reading.kg(assume=self.assume_unit)
        except ValueError:
            self._unit_refused += 1
            return
        self._run = self._run + 1 if reading.raw == self._last_raw else 1
        self._last_raw = reading.raw
        if self._run < self.confirm_frames:
            self.unconfirmed += 1
            return
        motion = None if reading.stable is None else not reading.stable
        self._ready.append(Sample(t_s=t_s, kg=kg, motion=motion))
