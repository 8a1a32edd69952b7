"""The platform on a real socket inside the test's event loop (uvicorn serving the test's app), and
a TCP relay in front of it that a test can cut and restore: a network outage between a lane and
the platform, with the platform itself still running."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

import uvicorn
from litestar import Litestar


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def served(app: Litestar) -> AsyncIterator[int]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                           lifespan="off"))
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while True:  # uvicorn offers no event for "listening": poll its flag
            if server.started:
                break
            await asyncio.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


class Relay:
    """127.0.0.1:port → 127.0.0.1:target. `cut()` drops every open connection and refuses new
    ones (as a dead uplink does: the lane sees connection errors); `restore()` lets them through."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.up = True
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._writers -= {writer, up_writer}

    def cut(self) -> None:
        self.up = False
        for w in list(self._writers):
            w.transport.abort()

    def restore(self) -> None:
        self.up = True

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
