"""ModbusBarrier and ModbusSensors against SimIoModule, a pymodbus 3.16 server on 127.0.0.1 whose
position inputs follow the relays as a real gate's limit switches do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from devices.io.base import BarrierNotConfirmed, IoError, LaneSensors
from devices.io.modbus_io import ModbusBarrier, ModbusIoModule, ModbusSensors
from devices.sim.io_module import BARRIERS, SimIoModule


@pytest.fixture
async def sim() -> AsyncIterator[SimIoModule]:
    sim = SimIoModule(move_s=0.05)
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
async def module(sim: SimIoModule) -> AsyncIterator[ModbusIoModule]:
    module = ModbusIoModule(host="127.0.0.1", port=sim.port, timeout_s=0.5, retries=0)
    yield module
    await module.close()


def _barrier(module: ModbusIoModule, name: str = "in", **kwargs: float) -> ModbusBarrier:
    open_coil, close_coil, opened_input, closed_input = BARRIERS[name]
    options = {"pulse_s": 0.02, "confirm_timeout_s": 0.5, "poll_s": 0.02, **kwargs}
    return ModbusBarrier(module=module, open_coil=open_coil, close_coil=close_coil,
                         opened_input=opened_input, closed_input=closed_input, name=name, **options)


async def test_open_and_close_are_pulsed_and_confirmed(sim: SimIoModule, module: ModbusIoModule) -> None:
    barrier = _barrier(module)
    assert await barrier.state() == "closed"
    await barrier.open()
    assert await sim.position("in") == "open" and await barrier.state() == "open"
    assert sim.coil_writes == [(0, True), (0, False)]  # a pulse, and the relay released
    assert await module.read_coils(0, 2) == [False, False]
    await barrier.close()
    assert await barrier.state() == "closed"
    assert sim.coil_writes[2:] == [(1, True), (1, False)]
    assert await sim.position("out") == "closed"  # the other barrier did not move


async def test_state_while_moving_is_unknown(sim: SimIoModule, module: ModbusIoModule) -> None:
    sim.move_s = 0.5
    await module.write_coil(2, True)
    await asyncio.sleep(0.05)
    assert await _barrier(module, "out").state() == "unknown"  # between the limit switches


async def test_locked_gate_is_not_confirmed(sim: SimIoModule, module: ModbusIoModule) -> None:
    sim.locked["in"] = True
    barrier = _barrier(module, confirm_timeout_s=0.2)
    with pytest.raises(BarrierNotConfirmed, match="open not confirmed"):
        await barrier.open()
    assert sim.coil_writes == [(0, True), (0, False)]
    assert await barrier.state() == "closed"


async def test_sensors_read_levels(sim: SimIoModule, module: ModbusIoModule) -> None:
    sensors = ModbusSensors(module=module, grating_in=4, grating_out=5, loop_in=6, loop_out=7)
    assert await sensors.read() == LaneSensors(grating_in=False, grating_out=False)
    await sim.set_sensors(grating_in=True, loop_out=True)
    assert await sensors.read() == LaneSensors(grating_in=True, grating_out=False, loop_in=False, loop_out=True)


async def test_normally_closed_gratings(sim: SimIoModule, module: ModbusIoModule) -> None:
    sensors = ModbusSensors(module=module, grating_in=4, grating_out=5, active_low=["grating_in", "grating_out"])
    await sim.set_sensors(grating_in=True, grating_out=True)  # both beams clear: contacts closed
    assert (await sensors.read()).gratings_clear
    await sim.set_sensors(grating_out=False)  # a wheel breaks the exit beam
    assert await sensors.read() == LaneSensors(grating_in=False, grating_out=True)
    everything_low = ModbusSensors(module=module, grating_in=4, grating_out=5, loop_in=6, active_low=True)
    assert (await everything_low.read()).loop_in is True
    with pytest.raises(ValueError, match="unknown inputs"):
        ModbusSensors(module=module, grating_in=4, grating_out=5, active_low=["beam"])


async def test_far_apart_inputs_take_separate_requests(sim: SimIoModule, module: ModbusIoModule) -> None:
    await sim.set_sensors(grating_out=True)
    assert await module.read_inputs([5, 4]) == [True, False]
    with pytest.raises(IoError, match="exception reply 2"):
        await module.read_inputs([4, 200])  # 200 is beyond the module's inputs


async def test_barrier_and_sensors_share_one_link(sim: SimIoModule, module: ModbusIoModule) -> None:
    barrier = _barrier(module)
    sensors = ModbusSensors(module=module, grating_in=4, grating_out=5)
    results = await asyncio.gather(barrier.open(), *(sensors.read() for _ in range(20)))
    assert all(r == LaneSensors(grating_in=False, grating_out=False) for r in results[1:])
    assert await sim.position("in") == "open"


async def test_unknown_coil_is_an_io_error(module: ModbusIoModule) -> None:
    barrier = ModbusBarrier(module=module, open_coil=100, close_coil=101, opened_input=0, closed_input=1)
    with pytest.raises(IoError, match="write coil 100 .* exception reply 2"):
        await barrier.open()


async def test_module_down_then_back(sim: SimIoModule, module: ModbusIoModule) -> None:
    sensors = ModbusSensors(module=module, grating_in=4, grating_out=5)
    await sensors.read()
    await sim.stop()
    with pytest.raises(IoError):
        await sensors.read()
    with pytest.raises(IoError, match="cannot connect"):
        await _barrier(module).open()
    await sim.start()  # same port: the module reconnects on the next request
    await sim.set_sensors(grating_in=True)
    assert (await sensors.read()).grating_in is True


async def test_cancelled_pulse_still_releases_the_relay(sim: SimIoModule, module: ModbusIoModule) -> None:
    opening = asyncio.create_task(_barrier(module, pulse_s=5.0).open())
    await asyncio.sleep(0.1)
    opening.cancel()  # e.g. the lane shuts down mid-command
    with pytest.raises(asyncio.CancelledError):
        await opening
    assert sim.coil_writes == [(0, True), (0, False)]
    assert await sim.coil(0) is False
