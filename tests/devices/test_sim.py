"""The simulators themselves, seen through a plain pymodbus client: what a real indicator or I/O
module would put on the wire while a truck drives on, stands, is cheated and drives off."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pymodbus.client import AsyncModbusTcpClient

from devices.sim.io_module import SimIoModule
from devices.sim.weighbridge import SimWeighbridge

MOTION = 1 << 12  # status bit of the default map


@pytest.fixture
async def sim() -> AsyncIterator[SimWeighbridge]:
    sim = SimWeighbridge(rate_hz=50, division_kg=20)
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
async def client(sim: SimWeighbridge) -> AsyncIterator[AsyncModbusTcpClient]:
    client = AsyncModbusTcpClient("127.0.0.1", port=sim.port, timeout=0.5, retries=0, reconnect_delay=0)
    assert await client.connect()
    yield client
    client.close()


async def _read(client: AsyncModbusTcpClient) -> tuple[int, bool]:
    reply = await client.read_holding_registers(0, count=3, device_id=1)
    assert not reply.isError()
    kg = client.convert_from_registers(reply.registers[:2], client.DATATYPE.INT32)
    assert isinstance(kg, int)
    return kg, bool(reply.registers[2] & MOTION)


async def test_ephemeral_ports_are_distinct_and_reused_on_restart() -> None:
    first, second = SimWeighbridge(), SimIoModule()
    async with first, second:
        assert first.port > 0 and second.port > 0 and first.port != second.port
        port = first.port
        await first.stop()
        await first.start()
        assert first.port == port


async def test_truck_profile(sim: SimWeighbridge, client: AsyncModbusTcpClient) -> None:
    assert await _read(client) == (0, False)
    await sim.drive_on(30000, ramp_s=0.5, settle_s=0.3, noise_kg=150)
    ramp = []
    for _ in range(100):  # bounded: a broken profile fails here instead of hanging
        if (now := await _read(client))[0] >= 29000:
            break
        ramp.append(now)
        await asyncio.sleep(0.03)
    assert len(ramp) >= 3 and all(motion for _, motion in ramp)
    assert [kg for kg, _ in ramp] == sorted(kg for kg, _ in ramp)  # rising
    await asyncio.sleep(0.1)
    settling = [await _read(client) for _ in range(5)]
    assert all(motion and abs(kg - 30000) <= 150 for kg, motion in settling)
    await sim.wait_steady()
    steady = []
    for _ in range(10):
        steady.append(await _read(client))
        await asyncio.sleep(0.02)
    assert all(not motion and abs(kg - 30000) <= 10 for kg, motion in steady)  # within a division
    assert len({kg for kg, _ in steady}) > 1  # but not frozen: a live indicator flickers


async def test_remote_control_jump_has_no_motion(sim: SimWeighbridge, client: AsyncModbusTcpClient) -> None:
    await sim.set_weight(30000)
    assert await _read(client) == (30000, False)
    await sim.jump(8000)
    assert await _read(client) == (38000, False)
    await asyncio.sleep(0.05)  # the background task keeps it there
    assert (await _read(client))[0] == 38000


async def test_drive_off(sim: SimWeighbridge, client: AsyncModbusTcpClient) -> None:
    await sim.set_weight(15240)
    await sim.drive_off(ramp_s=0.2)
    kg, motion = await _read(client)
    assert motion and 0 < kg <= 15240
    await sim.wait_steady()
    assert await _read(client) == (0, False)


async def test_io_module_follows_its_relays() -> None:
    async with SimIoModule(move_s=0.1) as sim:
        client = AsyncModbusTcpClient("127.0.0.1", port=sim.port, timeout=0.5, retries=0, reconnect_delay=0)
        assert await client.connect()

        async def inputs() -> list[bool]:
            return list((await client.read_discrete_inputs(0, count=8, device_id=1)).bits[:8])

        assert await inputs() == [False, True, False, True, False, False, False, False]
        assert not (await client.write_coil(0, True, device_id=1)).isError()
        await asyncio.sleep(0.02)
        assert (await inputs())[:2] == [False, False]  # left "closed", not yet "open"
        await asyncio.sleep(0.15)
        assert (await inputs())[:2] == [True, False] and await sim.position("in") == "open"
        await client.write_coil(0, False, device_id=1)
        assert await sim.coil(0) is False and sim.coil_writes == [(0, True), (0, False)]

        sim.locked["out"] = True
        await client.write_coil(2, True, device_id=1)
        await asyncio.sleep(0.15)
        assert await sim.position("out") == "closed"  # locked: the relay clicks, the gate stays

        await sim.set_sensors(grating_in=True, loop_out=True)
        assert (await inputs())[4:] == [True, False, False, True]
        with pytest.raises(ValueError, match="unknown sensors"):
            await sim.set_sensors(beam=True)
        client.close()
