"""Byte sources for a streaming indicator: a TCP serial server (串口服务器) or a local serial port.

Both hand out chunks of whatever arrived; framing is the splitters' job. A closed link raises
EOFError, a failing one OSError (pyserial's SerialException is one); the indicator turns either
into IndicatorError and drops the source, so its next connect() opens a fresh one.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol

import serial

CHUNK_BYTES = 4096
# pyserial read timeout: how long a reader thread blocks before it looks again (and how long
# close() may wait for it).
SERIAL_POLL_S = 0.1


class ByteSource(Protocol):
    where: str

    async def open(self) -> None: ...

    async def read_chunk(self) -> bytes:
        """The next non-empty chunk. Cancelling it loses no bytes."""
        ...

    async def close(self) -> None: ...


class TcpSource:
    """A TCP serial server that forwards the indicator's RS232/RS485 output as a raw byte stream."""

    def __init__(self, host: str, port: int, *, connect_timeout_s: float = 3.0) -> None:
        self.where = f"{host}:{port}"
        self._host, self._port, self._connect_timeout_s = host, port, connect_timeout_s
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        connecting = asyncio.open_connection(self._host, self._port)
        self._reader, self._writer = await asyncio.wait_for(connecting, self._connect_timeout_s)

    async def read_chunk(self) -> bytes:
        if self._reader is None:
            raise EOFError("not open")
        chunk = await self._reader.read(CHUNK_BYTES)  # cancel-safe: unread bytes stay buffered
        if not chunk:
            raise EOFError("closed by the serial server")
        return chunk

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


class SerialSource:
    """A local serial port (or any pyserial URL, e.g. "socket://host:port") read in a worker
    thread. One blocking read is in flight at a time; a cancelled caller leaves it running and the
    next read_chunk() collects its bytes, so nothing is read twice or lost."""

    def __init__(self, port: str, *, baudrate: int = 9600, bytesize: int = 8, parity: str = "N",
                 stopbits: float = 1) -> None:
        self.where = port
        self._settings = {"baudrate": baudrate, "bytesize": bytesize, "parity": parity, "stopbits": stopbits}
        self._serial: serial.SerialBase | None = None
        self._pending: asyncio.Future[bytes] | None = None

    async def open(self) -> None:
        self._serial = await asyncio.to_thread(
            serial.serial_for_url, self.where, timeout=SERIAL_POLL_S, **self._settings
        )

    def _read_blocking(self) -> bytes:
        port = self._serial
        if port is None:
            raise EOFError("not open")
        return bytes(port.read(max(1, port.in_waiting)))

    async def read_chunk(self) -> bytes:
        while True:
            if self._pending is None:
                self._pending = asyncio.ensure_future(asyncio.to_thread(self._read_blocking))
            try:
                chunk = await asyncio.shield(self._pending)
            except asyncio.CancelledError:
                raise  # the read stays pending for the next call
            except BaseException:
                self._pending = None
                raise
            self._pending = None
            if chunk:
                return chunk

    async def close(self) -> None:
        port, pending, self._pending = self._serial, self._pending, None
        if port is None:
            return
        if pending is not None:
            with contextlib.suppress(Exception):
                port.cancel_read()  # POSIX: wakes the reader thread now
            with contextlib.suppress(Exception):
                await pending
        self._serial = None
        with contextlib.suppress(OSError):
            await asyncio.to_thread(port.close)
