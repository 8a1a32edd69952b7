"""One terminal's TCP connection: bytes → frames → messages → replies, with its limits.

Pipeline per read: `FrameSplitter` (resync, bounded buffer) → `decode_frame` (strict: checksum and
length verified) → `Reassembler` (subpackages) → `decode_body` → `dispatch`. Every reply goes out
with the terminal's own protocol version and phone, taken from the frame it answers.

Nothing a peer sends may escape this task: refused frames are answered (0x8001 result 2 when the
header was readable) and counted, and past a limit the connection is closed, by `Close`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from backend.workers.jt808.limits import TokenBucket
from geo.protocols.jt808 import (
    FrameError,
    FrameSplitter,
    GeneralReply,
    Header,
    Payload,
    Reassembler,
    decode_body,
    decode_frame,
    encode_message,
)
from geo.protocols.jt808.codec import PLATFORM_REPLY
from geo.protocols.jt808.errors import UnsupportedError
from geo.protocols.jt808.framing import unescape
from geo.protocols.jt808.header import parse_header

if TYPE_CHECKING:
    from backend.workers.jt808.server import Gateway

log = logging.getLogger("meitong.jt808")

# 0x8001 results
OK, FAIL, BAD_MESSAGE, UNSUPPORTED = 0, 1, 2, 3


class Close(Exception):
    """Ends the connection; `reason` goes to the log and the gateway's counters."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Connection:
    def __init__(self, gateway: Gateway, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        limits = gateway.limits
        self.gateway = gateway
        self.limits = limits
        self.reader = reader
        self.writer = writer
        peer = writer.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)
        self.splitter = FrameSplitter(verify_checksum=False, max_frame_bytes=limits.max_frame_bytes)
        self.reassembler = Reassembler(
            max_pending=limits.max_pending_subpackages, max_total=limits.max_subpackage_total,
            timeout_s=limits.subpackage_timeout_s,
        )
        self.bucket = TokenBucket(rate=limits.frames_per_s, burst=limits.frame_burst)
        # Set by a successful 0x0102: the terminal (header phone) and the vehicle it reports for.
        self.phone: str | None = None
        self.vehicle_id: str | None = None
        self.plate = ""
        self.version_2019 = False
        self.counts: Counter[str] = Counter()
        self._seq = 0
        self._malformed = 0
        self._refused_seen = 0
        self._skipped_at_good = 0

    @property
    def authenticated(self) -> bool:
        return self.vehicle_id is not None

    async def run(self) -> None:
        reason = "closed"
        try:
            await self._loop()
        except Close as close:
            reason = close.reason
        except (ConnectionError, asyncio.IncompleteReadError):
            reason = "reset"
        except asyncio.CancelledError:
            reason = "shutdown"
            raise
        except Exception:  # a bug must cost this connection only, never the server
            reason = "error"
            log.exception("jt808 connection failed", extra={"peer": self.peer, "phone": self.phone})
        finally:
            self.gateway.counts[f"closed_{reason}"] += 1
            self.abort()
            log.info("jt808 connection closed", extra={
                "peer": self.peer, "phone": self.phone, "reason": reason, **dict(self.counts)})

    def abort(self) -> None:
        if not self.writer.is_closing():
            self.writer.close()

    async def _loop(self) -> None:
        while True:
            try:
                chunk = await asyncio.wait_for(self.reader.read(self.limits.read_chunk_bytes),
                                               timeout=self.limits.idle_timeout_s)
            except TimeoutError:
                raise Close("idle") from None
            if not chunk:
                raise Close("eof")
            wires = self.splitter.feed(chunk)
            self.reassembler.expire(now_s=time.monotonic())
            refused = sum(self.splitter.refused.values())
            if refused > self._refused_seen:  # broken escapes: nothing readable to answer
                self._strike_malformed(refused - self._refused_seen)
                self._refused_seen = refused
            if self.splitter.overflows:
                raise Close("overflow")
            for wire in wires:
                delay_s = self.bucket.delay_s()
                while delay_s > 0:  # pacing: stop reading, TCP pushes back on the peer
                    await asyncio.sleep(delay_s)
                    delay_s = self.bucket.delay_s()
                await self._on_wire(wire)
            if self.splitter.skipped_bytes - self._skipped_at_good > self.limits.max_garbage_bytes:
                raise Close("garbage")

    def _strike_malformed(self, n: int = 1) -> None:
        self.counts["malformed"] += n
        self.gateway.counts["malformed"] += n
        self._malformed += n
        if self._malformed > self.limits.max_malformed:
            raise Close("malformed")

    async def _refuse_malformed(self, wire: bytes, error: FrameError, header: Header | None = None) -> None:
        self._strike_malformed()
        if header is None:
            try:
                header = parse_header(unescape(wire[1:-1]))
            except FrameError:
                return  # not even a header: nobody to answer
        log.debug("jt808 refused frame", extra={"peer": self.peer, "code": error.code})
        await self.reply(header, BAD_MESSAGE)

    async def _on_wire(self, wire: bytes) -> None:
        self.counts["frames"] += 1
        self.gateway.counts["frames"] += 1
        try:
            frame = decode_frame(wire, strict=True)
        except FrameError as error:
            await self._refuse_malformed(wire, error)
            return
        try:
            whole = self.reassembler.add(frame, now_s=time.monotonic())
        except FrameError as error:
            await self._refuse_malformed(wire, error, frame.header)
            return
        self._skipped_at_good = self.splitter.skipped_bytes
        if whole is None:  # more packages to come: each one is acknowledged as received
            if self.authenticated:
                await self.reply(frame.header, OK)
            return
        if frame.header.subpackaged:  # the final answer goes to the package that completed the message
            whole = replace(whole, header=replace(whole.header, seq=frame.header.seq))
        try:
            payload = decode_body(whole)
        except UnsupportedError:
            self.counts["unsupported"] += 1
            await self._unsupported(whole.header)
            return
        except FrameError as error:
            await self._refuse_malformed(wire, error, whole.header)
            return
        self._malformed = max(0, self._malformed - 1)
        await self.gateway.dispatch(self, whole.header, payload)

    async def _unsupported(self, header: Header) -> None:
        if not self.authenticated:
            await self.refuse_unauthenticated(header)
            return
        await self.reply(header, UNSUPPORTED)

    async def refuse_unauthenticated(self, header: Header) -> None:
        self.counts["unauthenticated"] += 1
        self.gateway.counts["unauthenticated"] += 1
        await self.reply(header, FAIL)
        if self.counts["unauthenticated"] > self.limits.max_unauthenticated:
            raise Close("unauthenticated")

    async def reply(self, header: Header, result: int) -> None:
        await self.send(PLATFORM_REPLY, GeneralReply(header.seq, header.msg_id, result), like=header)

    async def send(self, msg_id: int, payload: Payload, *, like: Header) -> None:
        """One message to the terminal, in the header layout (2011/2013 or 2019) it speaks."""
        self._seq = (self._seq + 1) & 0xFFFF
        wire = encode_message(msg_id, payload, terminal_id=like.terminal_id, seq=self._seq,
                              version_2019=like.version_2019)
        self.writer.write(wire)
        try:
            await asyncio.wait_for(self.writer.drain(), timeout=self.limits.write_timeout_s)
        except TimeoutError:
            raise Close("write_timeout") from None
