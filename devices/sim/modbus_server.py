"""A pymodbus 3.16 in-process server on 127.0.0.1 that the simulators build on.

pymodbus binds whatever port it is given; port 0 works and the bound port is read back from the
listening asyncio.Server (pymodbus keeps it as the server's `transport`). A stopped simulator
restarts on the same port, so a client can find it again, as after a real power cycle. With
`rtu=True` it speaks RTU frames over TCP, as an RS485 indicator behind a TCP serial server does.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Self, cast

from pymodbus.framer import FramerType
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import SimDevice


class SimServer(ABC):
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, rtu: bool = False) -> None:
        self.host, self.port = host, port
        self.framer = FramerType.RTU if rtu else FramerType.SOCKET  # RTU: as a TCP serial server
        self._server: ModbusTcpServer | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    @abstractmethod
    def _device(self) -> SimDevice:
        """The simulated device's datastore layout (each simulator defines its own)."""

    async def _started(self) -> None:
        """Hook: the server listens (e.g. write the initial registers); optional, so not abstract."""
        return None

    async def start(self) -> None:
        if self._server is not None:
            return
        server = ModbusTcpServer(self._device(), address=(self.host, self.port), framer=self.framer)
        await server.serve_forever(background=True)  # returns once listening
        listener = cast(asyncio.Server, server.transport)
        self.port = listener.sockets[0].getsockname()[1]
        self._server = server
        await self._started()

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()  # stops listening and drops every client connection

    async def set_values(self, fc: int, address: int, values: list[int] | list[bool], *,
                         device_id: int = 1) -> None:
        """Write the datastore as the device itself would (fc 3 holding, 4 input, 1 coils,
        2 discrete inputs). A stopped server ignores it."""
        if self._server is not None:
            await self._server.async_setValues(device_id, fc, address, values)

    async def get_values(self, fc: int, address: int, count: int = 1, *, device_id: int = 1) -> list[int] | list[bool]:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        return await self._server.async_getValues(device_id, fc, address, count)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
