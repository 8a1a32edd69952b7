"""A simulated Modbus I/O module with two barriers, two gratings and two ground loops wired to it.

    coils (relays)      0 open in · 1 close in · 2 open out · 3 close out
    discrete inputs     0 in opened · 1 in closed · 2 out opened · 3 out closed
                        4 grating in · 5 grating out · 6 loop in · 7 loop out

When a relay is pulled in (a coil written True) the barrier leaves its position at once and
reaches the other after `move_s`: the position inputs follow as a real gate's limit switches
do. A locked barrier (`locked[name] = True`) accepts the relay and never moves. Gratings and loops
are raw input levels the test sets (True = contact closed), so a normally-closed beam reads True
while clear. Coil writes reach the simulation through the pymodbus 3.16 SimDevice `action` hook,
which also fires on FC05/FC15 and on the simulator's own writes (hence the function-code filter).
"""

from __future__ import annotations

import asyncio
import contextlib

from pymodbus.constants import ExcCodes
from pymodbus.simulator import DataType, SimData, SimDevice

from devices.io.base import BarrierState
from devices.sim.modbus_server import SimServer

# name -> (open coil, close coil, opened input, closed input)
BARRIERS: dict[str, tuple[int, int, int, int]] = {"in": (0, 1, 0, 1), "out": (2, 3, 2, 3)}
SENSORS: dict[str, int] = {"grating_in": 4, "grating_out": 5, "loop_in": 6, "loop_out": 7}
_FC_COILS, _FC_INPUTS = 1, 2


class SimIoModule(SimServer):
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, move_s: float = 0.2,
                 locked: bool = False, device_id: int = 1) -> None:
        super().__init__(host=host, port=port)
        self.move_s, self.device_id = move_s, device_id
        self.locked = dict.fromkeys(BARRIERS, locked)
        self.coil_writes: list[tuple[int, bool]] = []  # every coil write a client made, in order
        self._moves: dict[str, asyncio.Task[None]] = {}

    def _device(self) -> SimDevice:
        bits = [SimData(address=0, count=16, values=False, datatype=DataType.BITS)]
        words = [SimData(address=0, count=1, values=0, datatype=DataType.REGISTERS)]
        return SimDevice(id=self.device_id, simdata=(bits, list(bits), words, list(words)),
                         action=self._action)

    async def _started(self) -> None:
        for _, _, _, closed_input in BARRIERS.values():
            await self._set_input(closed_input, True)  # both barriers start closed

    async def stop(self) -> None:
        for task in self._moves.values():
            task.cancel()
        for task in self._moves.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._moves.clear()
        await super().stop()

    async def _action(self, function_code: int, start_address: int, address: int, count: int,
                      registers: list[int], set_values: list[int] | list[bool] | None) -> ExcCodes | None:
        if function_code in (5, 15) and set_values:
            for offset, value in enumerate(set_values):
                self.coil_writes.append((address + offset, bool(value)))
                if value:
                    self._relay(address + offset)
        return None

    def _relay(self, coil: int) -> None:
        for name, (open_coil, close_coil, _, _) in BARRIERS.items():
            if coil in (open_coil, close_coil) and not self.locked[name]:
                if (running := self._moves.get(name)) is not None:
                    running.cancel()
                target: BarrierState = "open" if coil == open_coil else "closed"
                self._moves[name] = asyncio.create_task(self._move(name, target))

    async def _move(self, name: str, target: BarrierState) -> None:
        _, _, opened_input, closed_input = BARRIERS[name]
        await self._set_input(opened_input, False)  # between the limit switches while moving
        await self._set_input(closed_input, False)
        await asyncio.sleep(self.move_s)
        await self._set_input(opened_input if target == "open" else closed_input, True)

    async def _set_input(self, address: int, level: bool) -> None:
        await self.set_values(_FC_INPUTS, address, [level], device_id=self.device_id)

    async def set_sensors(self, **levels: bool) -> None:
        """Raw input levels by name: grating_in, grating_out, loop_in, loop_out."""
        if unknown := set(levels) - set(SENSORS):
            raise ValueError(f"unknown sensors {sorted(unknown)}")
        for name, level in levels.items():
            await self._set_input(SENSORS[name], level)

    async def position(self, name: str) -> BarrierState:
        _, _, opened_input, closed_input = BARRIERS[name]
        opened, closed = await self.get_values(_FC_INPUTS, opened_input, closed_input - opened_input + 1,
                                               device_id=self.device_id)
        return "unknown" if opened == closed else "open" if opened else "closed"

    async def coil(self, address: int) -> bool:
        return bool((await self.get_values(_FC_COILS, address, 1, device_id=self.device_id))[0])
