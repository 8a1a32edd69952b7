"""The narrow interface every weighbridge indicator adapter offers the lane controller.

An adapter turns one indicator (Modbus registers, a 耀华 or Toledo serial stream, over a serial
port or a TCP serial server) into a stream of `Sample`s. The lane feeds them to the
StableWeightDetector; it never sees a frame or a register.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class IndicatorError(Exception):
    """The indicator cannot be read now (link down, no answer, an exception reply).
    The lane shows 地磅通讯故障 and retries; it never weighs on a stale value."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One reading. `t_s` is time.monotonic() when it was read; `kg` whole kilograms;
    `motion` the indicator's own motion flag (None where the indicator has none)."""

    t_s: float
    kg: int
    motion: bool | None = None


class Indicator(Protocol):
    async def connect(self) -> None: ...

    async def read(self) -> Sample:
        """The next reading: a polled adapter polls, a streaming one waits for the next good
        frame. Raises IndicatorError when the link fails."""
        ...

    async def close(self) -> None: ...
