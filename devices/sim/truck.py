"""A simulated truck driving through a simulated weighbridge lane: the physical world the lane
controller sees through its real adapters (Modbus scale and I/O module, the camera's HTTP push).

It follows the published unattended sequence from the truck's side: arrive on the entry loop and
show its plate to the camera; wait for the entry barrier; cross the entry grating while the weight
ramps up; stand still; wait for the exit barrier; cross the exit grating while the weight ramps
down. A truck whose entry barrier stays closed (refused) backs off and reports it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from devices.sim.camera import SimAnprCamera
from devices.sim.io_module import SimIoModule
from devices.sim.weighbridge import SimWeighbridge

POLL_S = 0.1


@dataclass
class SimLane:
    scale: SimWeighbridge
    io: SimIoModule
    camera: SimAnprCamera


async def wait_until(check: Callable[[], Awaitable[bool]], *, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(POLL_S)
    return False


@dataclass
class SimTruck:
    plate: str
    colour: str = "yellow"
    ramp_s: float = 2.0
    settle_s: float = 1.5
    noise_kg: int = 60

    async def drive_through(self, lane: SimLane, *, kg: int, timeout_s: float = 60.0,
                            jump_kg: int = 0) -> bool:
        """One pass over the scale carrying `kg` in all. False when the lane never opened its entry
        barrier (refused) or never let the truck out. `jump_kg`: a remote-control box in the cab
        adds this much once the truck stands still (the lane must not weigh the jump)."""
        io, scale = lane.io, lane.scale

        async def entry_open() -> bool:
            return await io.position("in") == "open"

        async def exit_open() -> bool:
            return await io.position("out") == "open"

        await io.set_sensors(loop_in=True)
        await lane.camera.push(self.plate, self.colour)
        if not await wait_until(entry_open, timeout_s=timeout_s):
            await io.set_sensors(loop_in=False)
            return False
        await io.set_sensors(loop_in=False, grating_in=True)
        await scale.drive_on(kg, ramp_s=self.ramp_s, settle_s=self.settle_s, noise_kg=self.noise_kg)
        await asyncio.sleep(self.ramp_s)
        await io.set_sensors(grating_in=False)
        if jump_kg:
            await scale.wait_steady()
            await asyncio.sleep(0.5)
            await scale.jump(jump_kg)
        if not await wait_until(exit_open, timeout_s=timeout_s):
            return False
        await io.set_sensors(grating_out=True)
        await scale.drive_off(ramp_s=self.ramp_s)
        await asyncio.sleep(self.ramp_s + 0.2)
        await io.set_sensors(grating_out=False, loop_out=True)
        await asyncio.sleep(0.3)
        await io.set_sensors(loop_out=False)
        return True
