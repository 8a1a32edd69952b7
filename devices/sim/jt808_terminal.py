"""A simulated JT/T 808 vehicle terminal over TCP (2011, 2013 or 2019 layout): for tests and for
the demo trucks of `make run`.

It speaks only the protocol (asyncio + geo.protocols.jt808): register (0x0100 → 0x8100), authenticate
(0x0102), heartbeat (0x0002), positions (0x0200) and blind-area batches (0x0704), unregister
(0x0003). Each request awaits the platform's reply to its own sequence number; a reader task pulls
replies through `FrameSplitter` (coalesced and split reads alike), keeps any 0x8300 text in
`texts` and answers it with 0x0001, as a real terminal does.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime

from geo.protocols.jt808 import (
    Alarm,
    Authentication,
    Empty,
    Extras,
    FrameError,
    FrameSplitter,
    GeneralReply,
    Location,
    LocationBatch,
    Payload,
    Registration,
    RegistrationReply,
    Status,
    TextMessage,
    decode_message,
    encode_message,
)
from geo.protocols.jt808.codec import (
    AUTHENTICATE,
    HEARTBEAT,
    LOCATION,
    LOCATION_BATCH,
    LOGOUT,
    PLATFORM_REPLY,
    REGISTER,
    REGISTER_REPLY,
    TERMINAL_REPLY,
    TEXT,
)
from geo.protocols.jt808.extras import MILEAGE, SATELLITES

# 0x0100 plate colours (JT/T 697.7)
BLUE, YELLOW, BLACK, WHITE, GREEN, YELLOW_GREEN = 1, 2, 3, 4, 5, 93


@dataclass(frozen=True, slots=True)
class Fix:
    """One GNSS fix as the terminal would report it (UTC time; BCD on the wire is GMT+8, whole seconds)."""

    lon: float
    lat: float
    at: datetime
    speed_kmh: float = 0.0
    course_deg: int = 0
    valid: bool = True
    alarm: int = 0
    mileage_m: int | None = None
    altitude_m: int = 1200
    satellites: int | None = 12

    def location(self) -> Location:
        status = Status.ACC_ON | Status.GPS_USED | Status.BEIDOU_USED | (Status.FIX_VALID if self.valid else 0)
        extras: list[tuple[int, bytes]] = []
        if self.mileage_m is not None:
            extras.append((MILEAGE, (self.mileage_m // 100).to_bytes(4, "big")))  # 0.1 km
        if self.satellites is not None:
            extras.append((SATELLITES, bytes([self.satellites])))
        return Location(
            alarm=Alarm(self.alarm), status=status, lat_deg=self.lat, lon_deg=self.lon,
            altitude_m=self.altitude_m, speed_kmh=self.speed_kmh, direction_deg=self.course_deg % 360,
            time=self.at, extras=Extras(tuple(extras)),
        )


class SimTerminal:
    def __init__(
        self, host: str, port: int, *, phone: str, plate: str, plate_colour: int = YELLOW,
        version: int = 2013, province: int = 15, city: int = 600, maker_id: str = "MTSIM",
        model: str = "MT-808", terminal_hw_id: str = "SIM0001", imei: str = "860000000000001",
        software_version: str = "1.0.0", reply_timeout_s: float = 5.0,
    ) -> None:
        if version not in (2011, 2013, 2019):
            raise ValueError("version is 2011, 2013 or 2019")
        self.host, self.port = host, port
        self.phone = phone.rjust(20 if version == 2019 else 12, "0")
        self.plate, self.plate_colour, self.version = plate, plate_colour, version
        self.province, self.city = province, city
        self.maker_id, self.model, self.terminal_hw_id = maker_id, model, terminal_hw_id
        self.imei, self.software_version = imei, software_version
        self.reply_timeout_s = reply_timeout_s
        self.texts: list[TextMessage] = []
        self.replies: list[GeneralReply] = []  # every 0x8001 received, in order
        self._seq = 0
        self._pending: dict[int, asyncio.Future[Payload]] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()

    @property
    def v2019(self) -> bool:
        return self.version == 2019

    async def connect(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        self.closed.clear()
        self._task = asyncio.create_task(self._read_loop())

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._fail_pending(ConnectionError("closed"))

    async def __aenter__(self) -> SimTerminal:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _next_seq(self) -> int:
        self._seq = (self._seq + 1) & 0xFFFF
        return self._seq

    async def send_raw(self, wire: bytes) -> None:
        """Bytes as they are (tests: garbage, split frames)."""
        assert self._writer is not None, "connect() first"
        self._writer.write(wire)
        await self._writer.drain()

    async def request(self, msg_id: int, payload: Payload) -> Payload:
        """Send one message and await the platform's reply to its sequence number."""
        seq = self._next_seq()
        future: asyncio.Future[Payload] = asyncio.get_running_loop().create_future()
        self._pending[seq] = future
        try:
            await self.send_raw(encode_message(msg_id, payload, terminal_id=self.phone, seq=seq,
                                               version_2019=self.v2019))
            return await asyncio.wait_for(future, timeout=self.reply_timeout_s)
        finally:
            self._pending.pop(seq, None)

    async def _general(self, msg_id: int, payload: Payload) -> int:
        reply = await self.request(msg_id, payload)
        if not isinstance(reply, GeneralReply) or reply.reply_msg_id != msg_id:
            raise ConnectionError(f"unexpected reply {reply!r} to {msg_id:#06x}")
        return reply.result

    async def register(self) -> tuple[int, str | None]:
        layout = str(self.version)
        reg = Registration(self.province, self.city, self.maker_id, self.model, self.terminal_hw_id,
                           self.plate_colour, self.plate, layout=layout)
        reply = await self.request(REGISTER, reg)
        if not isinstance(reply, RegistrationReply):
            raise ConnectionError(f"unexpected reply {reply!r} to 0x0100")
        return reply.result, reply.auth_code

    async def authenticate(self, code: str) -> int:
        return await self._general(AUTHENTICATE, Authentication(code, self.imei, self.software_version))

    async def heartbeat(self) -> int:
        return await self._general(HEARTBEAT, Empty())

    async def unregister(self) -> int:
        return await self._general(LOGOUT, Empty())

    async def send_location(self, fix: Fix) -> int:
        return await self._general(LOCATION, fix.location())

    async def send_batch(self, fixes: list[Fix], *, blind_area: bool = True) -> int:
        batch = LocationBatch(1 if blind_area else 0, tuple(f.location() for f in fixes))
        return await self._general(LOCATION_BATCH, batch)

    def _fail_pending(self, error: Exception) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(error)

    async def _read_loop(self) -> None:
        assert self._reader is not None
        splitter = FrameSplitter()
        try:
            while chunk := await self._reader.read(4096):
                for wire in splitter.feed(chunk):
                    await self._on_wire(wire)
        except (ConnectionError, OSError):
            pass
        finally:
            self.closed.set()
            self._fail_pending(ConnectionError("the platform closed the connection"))

    async def _on_wire(self, wire: bytes) -> None:
        try:
            message = decode_message(wire)
        except FrameError:
            return  # a terminal ignores what it cannot read; its request times out and is re-sent
        header, payload = message.header, message.payload
        if header.msg_id == TEXT and isinstance(payload, TextMessage):
            self.texts.append(payload)
            await self.send_raw(encode_message(TERMINAL_REPLY, GeneralReply(header.seq, TEXT, 0),
                                               terminal_id=self.phone, seq=self._next_seq(), version_2019=self.v2019))
            return
        if header.msg_id == PLATFORM_REPLY and isinstance(payload, GeneralReply):
            self.replies.append(payload)
            reply_seq = payload.reply_seq
        elif header.msg_id == REGISTER_REPLY and isinstance(payload, RegistrationReply):
            reply_seq = payload.reply_seq
        else:
            return
        future = self._pending.get(reply_seq)
        if future is not None and not future.done():
            future.set_result(payload)
