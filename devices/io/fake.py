"""Fake barrier and sensors: state a test can set and inspect."""

from __future__ import annotations

from devices.io.base import BarrierNotConfirmed, BarrierState, LaneSensors


class FakeBarrier:
    """Records every command. `stuck=True` models a locked gate: commands are acknowledged but the
    state never changes, so open() raises BarrierNotConfirmed as the real adapters do."""

    def __init__(self, name: str = "barrier") -> None:
        self.name = name
        self._state: BarrierState = "closed"
        self.stuck = False
        self.commands: list[str] = []

    async def open(self) -> None:
        self.commands.append("open")
        if self.stuck:
            raise BarrierNotConfirmed(f"{self.name}: open not confirmed")
        self._state = "open"

    async def close(self) -> None:
        self.commands.append("close")
        if not self.stuck:
            self._state = "closed"

    async def state(self) -> BarrierState:
        return self._state


class FakeSensors:
    def __init__(self) -> None:
        self.now = LaneSensors(grating_in=False, grating_out=False)

    def set(self, *, grating_in: bool = False, grating_out: bool = False, loop_in: bool = False,
            loop_out: bool = False) -> None:
        self.now = LaneSensors(grating_in=grating_in, grating_out=grating_out, loop_in=loop_in, loop_out=loop_out)

    async def read(self) -> LaneSensors:
        return self.now
