"""A simulated Modbus weighing indicator with a truck on it, for tests and the lane's bench.

A background task rewrites the weight (and status) registers `rate_hz` times a second, following
the current profile:

    drive_on(target_kg)   ramp up (motion bit set), settle with noise within ±noise_kg (motion
                          still set), then steady: noise within ±steady_noise_kg, motion clear
    drive_off()           ramp down to 0 with motion set, then exactly 0
    jump(delta_kg)        a remote-control box (遥控器): a step while the truck stands still,
                          motion NOT set (the cheat the lane must catch)
    set_weight(kg)        steady at kg at once

The register layout is any `RegisterMap`; by default int32 big-endian at PDU address 0 with a
status word at 2 whose bit 12 means motion (as the Tuna ID551PN flags it).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.simulator import DataType, SimData, SimDevice

from devices.sim.modbus_server import SimServer
from devices.weighbridge.register_map import RegisterKind, RegisterMap, StatusMap

DEFAULT_MAP = RegisterMap(address=0, status=StatusMap(address=2, motion_bit=12))
_FC_WRITE: dict[RegisterKind, int] = {"holding": 3, "input": 4}  # server.async_setValues function codes per block


def encode(registers: RegisterMap, kg: int) -> list[int]:
    """kg -> the words an indicator with this map holds (raw = kg / scale)."""
    raw = Decimal(kg) / registers.scale
    datatype = AsyncModbusTcpClient.DATATYPE[registers.value_type.upper()]
    value: int | float = (float(raw) if registers.value_type == "float32"
                          else int(raw.to_integral_value(rounding=ROUND_HALF_UP)))
    return AsyncModbusTcpClient.convert_to_registers(value, datatype, word_order=registers.word_order)


@dataclass(frozen=True, slots=True)
class _Profile:
    start_s: float
    from_kg: int
    to_kg: int
    ramp_s: float = 0.0
    settle_s: float = 0.0
    settle_noise_kg: int = 0
    steady_noise_kg: int = 0

    @property
    def steady_at_s(self) -> float:
        return self.start_s + self.ramp_s + self.settle_s


class SimWeighbridge(SimServer):
    def __init__(self, *, registers: RegisterMap = DEFAULT_MAP, host: str = "127.0.0.1", port: int = 0,
                 rtu: bool = False, rate_hz: float = 20.0, division_kg: int = 20, seed: int | None = 0) -> None:
        super().__init__(host=host, port=port, rtu=rtu)
        self.registers, self.rate_hz, self.division_kg = registers, rate_hz, division_kg
        self._rng = random.Random(seed)
        self._profile = _Profile(start_s=time.monotonic(), from_kg=0, to_kg=0)
        self._task: asyncio.Task[None] | None = None
        self.kg, self.motion, self.overload = 0, False, False  # what the registers say now
        self.publishing = True  # False: the task leaves the registers to whoever writes them

    def _device(self) -> SimDevice:
        regs = self.registers
        ends = [regs.address + regs.words] + ([regs.status.address + 1] if regs.status else [])
        size = max(ends) + 4
        bits = [SimData(address=0, count=16, values=False, datatype=DataType.BITS)]
        words = [SimData(address=0, count=size, values=0, datatype=DataType.REGISTERS)]
        return SimDevice(id=regs.device_id, simdata=(bits, list(bits), words, list(words)))

    async def _started(self) -> None:
        await self._publish()
        self._task = asyncio.create_task(self._run(), name="sim-weighbridge")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await super().stop()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(1 / self.rate_hz)
            if self.publishing:
                await self._publish()

    def _now(self) -> tuple[int, bool]:
        p, t_s = self._profile, time.monotonic() - self._profile.start_s
        if t_s < p.ramp_s:
            return round(p.from_kg + (p.to_kg - p.from_kg) * t_s / p.ramp_s), True
        if t_s < p.ramp_s + p.settle_s:
            return p.to_kg + self._rng.randint(-p.settle_noise_kg, p.settle_noise_kg), True
        return p.to_kg + self._rng.randint(-p.steady_noise_kg, p.steady_noise_kg), False

    async def _publish(self) -> None:
        self.kg, self.motion = self._now()
        regs = self.registers
        words = {(regs.kind, regs.address + i): w for i, w in enumerate(encode(regs, self.kg))}
        if regs.status is not None:
            words[(regs.status.kind, regs.status.address)] = self._status_word(regs.status)
        runs: list[tuple[RegisterKind, int, list[int]]] = []  # contiguous words, written in one call each
        for (kind, address), word in sorted(words.items()):
            if runs and runs[-1][0] == kind and runs[-1][1] + len(runs[-1][2]) == address:
                runs[-1][2].append(word)
            else:
                runs.append((kind, address, [word]))
        for kind, address, values in runs:
            await self.set_values(_FC_WRITE[kind], address, values, device_id=regs.device_id)

    def _status_word(self, status: StatusMap) -> int:
        word = 0
        if status.motion_bit is not None and self.motion:
            word |= 1 << status.motion_bit
        if status.stable_bit is not None and not self.motion:
            word |= 1 << status.stable_bit
        if status.overload_bit is not None and self.overload:
            word |= 1 << status.overload_bit
        if status.ok_bit is not None:
            word |= 1 << status.ok_bit
        return word

    @property
    def steady_at_s(self) -> float:
        """time.monotonic() from which the current profile reads steady."""
        return self._profile.steady_at_s

    async def wait_steady(self) -> None:
        """Until the profile is steady and a steady value has been published."""
        await asyncio.sleep(max(0.0, self.steady_at_s - time.monotonic()) + 1.5 / self.rate_hz)

    async def _follow(self, profile: _Profile) -> None:
        self._profile = profile
        await self._publish()

    async def drive_on(self, target_kg: int, *, ramp_s: float = 3.0, settle_s: float = 2.0,
                       noise_kg: int = 100, steady_noise_kg: int | None = None) -> None:
        steady = self.division_kg // 2 if steady_noise_kg is None else steady_noise_kg
        await self._follow(_Profile(time.monotonic(), self._profile.to_kg, target_kg, ramp_s, settle_s,
                                    noise_kg, steady))

    async def drive_off(self, *, ramp_s: float = 3.0) -> None:
        await self._follow(_Profile(time.monotonic(), self._profile.to_kg, 0, ramp_s))

    async def jump(self, delta_kg: int) -> None:
        p = self._profile
        await self._follow(_Profile(time.monotonic(), p.to_kg, p.to_kg + delta_kg,
                                    steady_noise_kg=p.steady_noise_kg))

    async def set_weight(self, kg: int, *, noise_kg: int = 0) -> None:
        await self._follow(_Profile(time.monotonic(), kg, kg, steady_noise_kg=noise_kg))
