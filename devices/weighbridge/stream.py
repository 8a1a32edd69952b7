"""Streaming splitters: bytes from a serial line in, decoded readings out.

A serial line delivers chunks of any size: half a frame, three frames, line noise after a cable is
plugged in, a frame with a flipped bit. `feed(chunk)` returns the readings completed by that chunk,
in order; refused candidates are skipped and counted per `FrameError.code` in `refused`. The
buffer is bounded, so a line spewing garbage cannot grow memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from devices.weighbridge.errors import FrameError
from devices.weighbridge.reading import Reading

Decoder = Callable[[bytes], Reading]

STX = 0x02
LF = 0x0A


class StxSplitter:
    """Frames of fixed `length` that start with STX and carry `end_byte` at offset `end_at`.

    A candidate whose end byte is wrong is not a frame: resync on the next STX. A candidate that the
    decoder refuses is counted and skipped one byte at a time, so a real frame starting inside it
    (a Toledo checksum may itself be 0x02) is still found.
    """

    def __init__(self, decode: Decoder, *, length: int, end_byte: int, end_at: int | None = None) -> None:
        self._decode = decode
        self._length = length
        self._end = end_byte
        self._end_at = length - 1 if end_at is None else end_at
        self._buffer = bytearray()
        self.refused: Counter[str] = Counter()
        self.skipped_bytes = 0

    def feed(self, chunk: bytes) -> list[Reading]:
        self._buffer += chunk
        buf = self._buffer
        readings: list[Reading] = []
        pos = 0
        while True:
            start = buf.find(STX, pos)
            if start < 0:
                self.skipped_bytes += len(buf) - pos
                pos = len(buf)
                break
            self.skipped_bytes += start - pos
            pos = start
            if len(buf) - start < self._length:
                break  # wait for the rest of this candidate
            candidate = bytes(buf[start : start + self._length])
            if candidate[self._end_at] != self._end:
                pos, self.skipped_bytes = start + 1, self.skipped_bytes + 1
                continue
            try:
                readings.append(self._decode(candidate))
            except FrameError as refused:
                self.refused[refused.code] += 1
                pos, self.skipped_bytes = start + 1, self.skipped_bytes + 1
                continue
            pos = start + self._length
        del buf[:pos]
        return readings


class LineSplitter:
    """Frames of fixed `length` that end with LF; bytes before the last `length` of a line are noise.

    A line shorter than a frame is noise (not counted); the last `length` bytes of a longer line are
    the candidate, counted in `refused` when the decoder refuses them.
    """

    def __init__(self, decode: Decoder, *, length: int, max_line: int = 4096) -> None:
        self._decode = decode
        self._length = length
        self._max_line = max_line
        self._buffer = bytearray()
        self.refused: Counter[str] = Counter()
        self.skipped_bytes = 0

    def feed(self, chunk: bytes) -> list[Reading]:
        self._buffer += chunk
        buf = self._buffer
        readings: list[Reading] = []
        pos = 0
        while (end := buf.find(LF, pos)) >= 0:
            line = bytes(buf[pos : end + 1])
            pos = end + 1
            if len(line) < self._length:
                self.skipped_bytes += len(line)
                continue
            self.skipped_bytes += len(line) - self._length
            try:
                readings.append(self._decode(line[-self._length :]))
            except FrameError as refused:
                self.refused[refused.code] += 1
        del buf[:pos]
        if len(buf) > self._max_line:
            # No LF for a long time: keep only what could still end a frame.
            self.skipped_bytes += len(buf) - (self._length - 1)
            del buf[: len(buf) - (self._length - 1)]
        return readings
