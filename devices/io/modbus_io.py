"""A Modbus TCP I/O module at the lane: barrier relays on coils, position switches, gratings and
ground loops on discrete inputs (reference/devices.md §4.3).

    FC05 write coil   pulse a barrier's open/close relay: True, wait pulse_s, False
    FC01 read coils   read a relay back (diagnostics)
    FC02 read inputs  "open in position" / "closed in position" switches, gratings, loops

One `ModbusIoModule` owns the connection; the barriers and sensors wired to it share it. Its lock
keeps a caller's request/reply pair whole, and it connects on first use and again after a drop,
because the Barrier and Sensors interfaces have no connect() of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from devices.io.base import BarrierNotConfirmed, BarrierState, IoError, LaneSensors

# Read a span of inputs in one request when it is at most this wide.
MAX_SPAN = 64


class ModbusIoModule:
    def __init__(self, *, host: str, port: int = 502, device_id: int = 1, timeout_s: float = 1.0,
                 retries: int = 1, name: str = "io") -> None:
        self.host, self.port, self.device_id, self.name = host, port, device_id, name
        self._timeout_s, self._retries = timeout_s, retries
        self._client: AsyncModbusTcpClient | None = None
        self._lock = asyncio.Lock()

    async def _connected(self) -> AsyncModbusTcpClient:
        if self._client is not None and self._client.connected:
            return self._client
        if self._client is not None:
            self._client.close()
        self._client = AsyncModbusTcpClient(self.host, port=self.port, timeout=self._timeout_s,
                                            retries=self._retries, reconnect_delay=0, name=self.name)
        if not await self._client.connect():
            raise IoError(f"{self.name}: cannot connect to the I/O module at {self.host}:{self.port}")
        return self._client

    async def _call(self, what: str, fc: int, address: int, arg: int | bool) -> list[bool]:
        where = f"{self.name}: {what} {address} at {self.host}:{self.port}"
        async with self._lock:
            client = await self._connected()
            try:
                if fc == 5:
                    reply = await client.write_coil(address, bool(arg), device_id=self.device_id)
                elif fc == 1:
                    reply = await client.read_coils(address, count=int(arg), device_id=self.device_id)
                else:
                    reply = await client.read_discrete_inputs(address, count=int(arg), device_id=self.device_id)
            except (TimeoutError, ModbusException, OSError) as failed:
                raise IoError(f"{where}: {failed}") from failed
        if reply.isError():
            raise IoError(f"{where}: exception reply {getattr(reply, 'exception_code', 0)}")
        return list(reply.bits)

    async def write_coil(self, address: int, value: bool) -> None:
        await self._call("write coil", 5, address, value)

    async def read_coils(self, address: int, count: int = 1) -> list[bool]:
        return (await self._call("read coils", 1, address, count))[:count]

    async def read_inputs(self, addresses: Sequence[int]) -> list[bool]:
        """The discrete inputs at `addresses`, in that order: one request when they lie close."""
        low, high = min(addresses), max(addresses)
        if high - low < MAX_SPAN:
            bits = await self._call("read inputs", 2, low, high - low + 1)
            return [bits[a - low] for a in addresses]
        return [(await self._call("read inputs", 2, a, 1))[0] for a in addresses]

    async def close(self) -> None:
        async with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


class ModbusBarrier:
    """A barrier driven by two relays (open, close) and confirmed by two position switches."""

    def __init__(self, *, module: ModbusIoModule, open_coil: int, close_coil: int, opened_input: int,
                 closed_input: int, pulse_s: float = 0.5, confirm_timeout_s: float = 8.0,
                 poll_s: float = 0.1, name: str = "barrier") -> None:
        self.module, self.name = module, name
        self.open_coil, self.close_coil = open_coil, close_coil
        self.opened_input, self.closed_input = opened_input, closed_input
        self.pulse_s, self.confirm_timeout_s, self.poll_s = pulse_s, confirm_timeout_s, poll_s

    async def open(self) -> None:
        await self._command("open", self.open_coil)

    async def close(self) -> None:
        await self._command("closed", self.close_coil)

    async def state(self) -> BarrierState:
        opened, closed = await self.module.read_inputs([self.opened_input, self.closed_input])
        if opened != closed:
            return "open" if opened else "closed"
        return "unknown"  # both switches (a fault) or neither (moving, or no signal)

    async def _command(self, want: BarrierState, coil: int) -> None:
        try:
            await self.module.write_coil(coil, True)
            await asyncio.sleep(self.pulse_s)
        except BaseException:
            # A lost reply may still have pulled the relay in: release it whatever happened, and
            # let the first error speak.
            with contextlib.suppress(IoError):
                await self.module.write_coil(coil, False)
            raise
        await self.module.write_coil(coil, False)
        loop = asyncio.get_running_loop()
        deadline_s = loop.time() + self.confirm_timeout_s
        while (state := await self.state()) != want:
            if loop.time() >= deadline_s:
                raise BarrierNotConfirmed(
                    f"{self.name}: {want} not confirmed within {self.confirm_timeout_s} s (state {state})")
            await asyncio.sleep(self.poll_s)


class ModbusSensors:
    """Gratings and loops on discrete inputs. `active_low` (True, or the names of some inputs)
    marks normally-closed ones, e.g. a beam whose contact opens when it is blocked."""

    NAMES = ("grating_in", "grating_out", "loop_in", "loop_out")

    def __init__(self, *, module: ModbusIoModule, grating_in: int, grating_out: int,
                 loop_in: int | None = None, loop_out: int | None = None,
                 active_low: bool | Sequence[str] = False) -> None:
        self.module = module
        wired = zip(self.NAMES, (grating_in, grating_out, loop_in, loop_out), strict=True)
        self.inputs = {name: address for name, address in wired if address is not None}
        low = set(self.NAMES) if active_low is True else set(active_low or ())
        if unknown := low - set(self.NAMES):
            raise ValueError(f"active_low names unknown inputs {sorted(unknown)}")
        self.active_low = frozenset(low)

    async def read(self) -> LaneSensors:
        bits = await self.module.read_inputs(list(self.inputs.values()))
        state = {name: bit != (name in self.active_low) for name, bit in zip(self.inputs, bits, strict=True)}
        return LaneSensors(**state)
