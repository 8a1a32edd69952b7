"""Lane I/O: barriers (道闸) and the presence sensors (红外光栅 gratings, 地感 ground loops).

The lane controller only ever calls these; behind them stand a Modbus I/O module (coils and
discrete inputs), Hikvision's ISAPI barrierGate, or a fake for tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

BarrierState = Literal["open", "closed", "unknown"]


class IoError(Exception):
    """The device did not answer, or answered with an error."""


class BarrierNotConfirmed(IoError):
    """A command was acknowledged but the barrier's status never showed it done (a locked gate
    answers OK to "open" while its relay stays still): the lane must not let the truck go."""


class Barrier(Protocol):
    async def open(self) -> None:
        """Open and wait until the status confirms it; BarrierNotConfirmed otherwise."""
        ...

    async def close(self) -> None: ...

    async def state(self) -> BarrierState: ...


@dataclass(frozen=True, slots=True)
class LaneSensors:
    """True = blocked / vehicle present. Gratings guard both ends of the platform; a weight taken
    while either is blocked is invalid (a wheel off the platform)."""

    grating_in: bool
    grating_out: bool
    loop_in: bool = False
    loop_out: bool = False

    @property
    def gratings_clear(self) -> bool:
        return not (self.grating_in or self.grating_out)


class Sensors(Protocol):
    async def read(self) -> LaneSensors: ...
