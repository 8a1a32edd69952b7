"""Frame boundaries: 0x7e flags, 0x7d escapes, the XOR check, and a TCP stream splitter.

On the wire a frame is `7e | escaped(header body check) | 7e`; inside, `7e` is sent as `7d 02` and
`7d` as `7d 01`. TCP reads split and coalesce frames freely; `FrameSplitter.feed` returns whole
frames (still escaped, flags included) and resyncs on the next 0x7e after garbage.
"""

from __future__ import annotations

from collections import Counter
from functools import reduce
from operator import xor

from geo.protocols.jt808.errors import ChecksumError, EscapeError, FrameError

FLAG = 0x7E
ESC = 0x7D
# Smallest escaped content: 2013 header (12) + check (1).
MIN_CONTENT = 13


def checksum(content: bytes) -> int:
    """XOR of every byte from the header start to the body end."""
    return reduce(xor, content, 0)


def escape(content: bytes) -> bytes:
    # Order matters: 7d first, or the 7d of a fresh 7d 02 would be escaped again.
    return content.replace(b"\x7d", b"\x7d\x01").replace(b"\x7e", b"\x7d\x02")


def unescape(content: bytes) -> bytes:
    """Undo `escape`; a lone 0x7d, a 0x7d before anything but 01/02, or a raw 0x7e is refused."""
    if FLAG in content:
        raise EscapeError("raw 0x7e inside a frame", content)
    if ESC not in content:
        return content
    out = bytearray()
    i = 0
    while i < len(content):
        byte = content[i]
        if byte == ESC:
            follower = content[i + 1] if i + 1 < len(content) else -1
            if follower == 0x01:
                out.append(ESC)
            elif follower == 0x02:
                out.append(FLAG)
            else:
                raise EscapeError(f"0x7d followed by {follower:#x} at {i}", content)
            i += 2
        else:
            out.append(byte)
            i += 1
    return bytes(out)


class FrameSplitter:
    """Bytes from a TCP socket in, whole escaped frames `7e … 7e` out.

    Every stretch between two flags is a candidate, and its closing flag may open the next frame, so
    garbage (even garbage holding a 0x7e) never swallows a real frame. A candidate shorter than a
    header, with a broken escape or (when `verify_checksum`) a wrong XOR is counted in `refused` by
    `FrameError.code` and dropped. Bytes before the first flag count in `skipped_bytes`. A stretch
    longer than `max_frame_bytes` (default: 2019 header + subpackage fields + 1023-byte body, all
    escaped) is dropped and counted in `overflows`, so a peer spewing garbage cannot grow memory.
    """

    def __init__(
        self, *, verify_checksum: bool = True, max_frame_bytes: int = 2 * (17 + 4 + 1023 + 1) + 2
    ) -> None:
        self._verify = verify_checksum
        self._max = max_frame_bytes
        self._buffer = bytearray()
        self.refused: Counter[str] = Counter()
        self.skipped_bytes = 0
        self.overflows = 0

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer += chunk
        buf = self._buffer
        frames: list[bytes] = []
        pos = 0
        while True:
            start = buf.find(FLAG, pos)
            if start < 0:
                self.skipped_bytes += len(buf) - pos
                pos = len(buf)
                break
            self.skipped_bytes += start - pos
            pos = start
            end = buf.find(FLAG, start + 1, start + self._max)
            if end < 0:
                if len(buf) - start >= self._max:
                    self.overflows += 1
                    self.skipped_bytes += len(buf) - start
                    pos = len(buf)
                break  # wait for the rest of this frame
            candidate = bytes(buf[start : end + 1])
            pos = end  # the closing flag may also open the next frame
            if end - start - 1 < MIN_CONTENT:
                self.skipped_bytes += end - start
                continue
            try:
                content = unescape(candidate[1:-1])
                if self._verify and checksum(content[:-1]) != content[-1]:
                    raise ChecksumError("XOR check mismatch", candidate)
            except FrameError as refused:
                self.refused[refused.code] += 1
                self.skipped_bytes += end - start
                continue
            frames.append(candidate)
        del buf[:pos]
        return frames
