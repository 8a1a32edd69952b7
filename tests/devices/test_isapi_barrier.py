"""IsapiBarrier against SimIsapiDevice: a real HTTP server on 127.0.0.1 that demands HTTP Digest
and answers like a Hikvision device, including the locked gate that says OK and stays shut."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from devices.io.base import BarrierNotConfirmed, IoError
from devices.io.hikvision import IsapiBarrier
from devices.sim.isapi import SimIsapiDevice

HIKVISION_NS = "http://www.hikvision.com/ver20/XMLSchema"


@pytest.fixture
async def device() -> AsyncIterator[SimIsapiDevice]:
    device = SimIsapiDevice(move_s=0.05)
    await device.start()
    yield device
    await device.stop()


def _barrier(device: SimIsapiDevice, *, password: str = "hik12345", confirm_timeout_s: float = 0.5) -> IsapiBarrier:
    return IsapiBarrier(base_url=device.base_url, username="admin", password=password,
                        confirm_timeout_s=confirm_timeout_s, poll_s=0.02, timeout_s=1.0)


async def test_open_then_close_confirmed(device: SimIsapiDevice) -> None:
    barrier = _barrier(device)
    assert await barrier.state() == "closed"
    await barrier.open()
    assert device.commands == ["open"] and device.gate_status() == 2
    assert await barrier.state() == "open"
    await barrier.close()
    assert device.commands == ["open", "close"] and await barrier.state() == "closed"
    assert device.unauthorized >= 1  # Digest: the first request was challenged, then answered
    await barrier.aclose()


async def test_moving_gate_reports_unknown(device: SimIsapiDevice) -> None:
    device.move_s = 1.0
    barrier = _barrier(device)
    device.command("open")
    assert await barrier.state() == "unknown"  # status 0: no signal between the switches
    await barrier.aclose()


async def test_locked_gate_answers_ok_but_is_not_confirmed(device: SimIsapiDevice) -> None:
    device.locked = True
    barrier = _barrier(device, confirm_timeout_s=0.2)
    with pytest.raises(BarrierNotConfirmed, match="open acknowledged but not confirmed"):
        await barrier.open()
    assert device.commands == ["open"]  # the device took the command...
    assert await barrier.state() == "closed"  # ...and the gate never moved
    await barrier.aclose()


async def test_hikvision_namespace(device: SimIsapiDevice) -> None:
    device.namespace = HIKVISION_NS
    barrier = _barrier(device)
    await barrier.open()
    assert await barrier.state() == "open"
    await barrier.aclose()


async def test_wrong_password(device: SimIsapiDevice) -> None:
    barrier = _barrier(device, password="wrong")
    with pytest.raises(IoError, match="HTTP 401"):
        await barrier.open()
    assert device.commands == []
    await barrier.aclose()


async def test_unknown_channel_is_an_io_error(device: SimIsapiDevice) -> None:
    barrier = IsapiBarrier(base_url=device.base_url + "/nope", username="admin", password="hik12345")
    with pytest.raises(IoError, match="HTTP 404 Invalid Operation notSupport"):
        await barrier.state()
    await barrier.aclose()


async def test_device_unreachable() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    barrier = IsapiBarrier(base_url=f"http://127.0.0.1:{port}", username="admin", password="x", timeout_s=0.5)
    with pytest.raises(IoError, match="ConnectError"):
        await barrier.open()
    await barrier.aclose()
