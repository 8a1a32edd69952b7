"""StreamIndicator against real byte streams: an asyncio TCP server playing the role of a serial
server (frames from tests/data/vectors/weighing.json, garbage between them, a corrupted frame),
and a pseudo-terminal pair for the pyserial path."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from devices.weighbridge.base import IndicatorError, Sample
from devices.weighbridge.serial_line import StreamIndicator

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "vectors" / "weighing.json").read_text(encoding="utf-8"))


def _frame(entry: dict[str, Any]) -> bytes:
    if "hex" in entry:
        return bytes.fromhex(entry["hex"])
    return b"\x02" + entry["ascii_between_stx_etx"].encode("ascii") + b"\x03"


A9 = [_frame(f) for f in VECTORS["yaohua_xk3190_a9_continuous"]["frames"]]
A9_0, A9_1560, A9_MINUS_12_5, A9_3260, A9_3290, A9_CORRUPT = A9
TOLEDO_17_BYTES, TOLEDO_NET_MOTION = (_frame(f) for f in VECTORS["mettler_toledo_continuous"]["frames"])
# The vectors' first Toledo frame lost a tare digit (see test_weighing_frames.ERRATA); this is the
# 18-byte frame of reference/devices.md §1.3: 25480 kg gross, stable, tare 0.
TOLEDO_25480 = bytes.fromhex("022A30203032353438303030303030300D24")
A12_4_139 = _frame(VECTORS["yaohua_xk3190_a12e"]["frames"][0])
GARBAGE = b"\x00\xff\x02\x02+99\x03noise\r\n\x02"


def _a9(body: bytes) -> bytes:
    check = 0
    for byte in body:
        check ^= byte
    return b"\x02" + body + f"{check:02X}".encode() + b"\x03"


def _a12(body: bytes) -> bytes:
    check = 0
    for byte in body:
        check ^= byte
    return body + f"{check:02X}".encode() + b"\r\n"


Script = Callable[[asyncio.StreamWriter], Awaitable[None]]


class SerialServer:
    """A TCP serial server: each client connection gets `script` played to it."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.connections = 0
        self._server: asyncio.Server | None = None
        self.port = 0

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.script(writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> SerialServer:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._server.wait_closed(), 1.0)


def sends(*chunks: bytes, then_wait_s: float = 0.0) -> Script:
    async def script(writer: asyncio.StreamWriter) -> None:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
            await asyncio.sleep(0.005)  # separate TCP segments: frames split across reads
        await asyncio.sleep(then_wait_s)

    return script


async def _read_all(indicator: StreamIndicator) -> list[Sample]:
    """Samples until the server closes the line."""
    samples = []
    while True:
        try:
            samples.append(await indicator.read())
        except IndicatorError:
            return samples


def _indicator(port: int, **kwargs: Any) -> StreamIndicator:
    options: dict[str, Any] = {"protocol": "a9", "frame_timeout_s": 1.0, **kwargs}
    return StreamIndicator(host="127.0.0.1", port=port, **options)


async def test_a9_stream_with_garbage_and_a_corrupted_frame() -> None:
    stream = [A9_0, GARBAGE, A9_1560[:5], A9_1560[5:], A9_CORRUPT, b"\x7f\x7f", A9_3260 + A9_3290, A9_MINUS_12_5]
    async with SerialServer(sends(*stream)) as server:
        indicator = _indicator(server.port)
        await indicator.connect()
        samples = await _read_all(indicator)
    assert [s.kg for s in samples] == [0, 1560, 3260, 3290]
    assert all(s.motion is None for s in samples)  # A9 continuous mode has no motion flag
    assert [a.t_s <= b.t_s for a, b in zip(samples, samples[1:], strict=False)] == [True] * 3
    assert indicator.refused["checksum"] == 1  # the altered check characters
    assert indicator.refused["unit"] == 1  # -12.5 is not whole kilograms on a kg site


async def test_a9_in_tonnes() -> None:
    async with SerialServer(sends(A9_MINUS_12_5, A9_1560)) as server:
        indicator = _indicator(server.port, assume_unit="t")
        await indicator.connect()
        assert [s.kg for s in await _read_all(indicator)] == [-12500, 1560000]


async def test_confirm_frames_holds_back_a_swapped_digit_frame() -> None:
    good, swapped = _a9(b"+0254800"), _a9(b"+0245800")  # same XOR: the check cannot tell
    async with SerialServer(sends(good, good, swapped, good, good, good, good)) as server:
        indicator = _indicator(server.port, confirm_frames=3)
        await indicator.connect()
        samples = await _read_all(indicator)
    assert [s.kg for s in samples] == [25480, 25480]
    assert indicator.unconfirmed == 5


async def test_toledo_stream_carries_motion() -> None:
    stream = [TOLEDO_17_BYTES, TOLEDO_25480, b"\x02\x2a", TOLEDO_NET_MOTION, TOLEDO_25480[:-1] + b"\x25"]
    async with SerialServer(sends(*stream)) as server:
        indicator = _indicator(server.port, protocol="toledo")
        await indicator.connect()
        samples = await _read_all(indicator)
    assert [(s.kg, s.motion) for s in samples] == [(25480, False), (-120, True)]
    assert indicator.refused["checksum"] == 1


async def test_a12_stream() -> None:
    stream = [_a12(b"WG25480.0kg"), b"junk line\r\n", A12_4_139, _a12(b" " * 9 + b"OL"), _a12(b"WN-0120.0kg")]
    async with SerialServer(sends(*stream)) as server:
        indicator = _indicator(server.port, protocol="a12")
        await indicator.connect()
        samples = await _read_all(indicator)
    assert [s.kg for s in samples] == [25480, -120]
    assert (indicator.refused["unit"], indicator.refused["out_of_range"]) == (1, 1)  # 4.139 kg; overload


async def test_eof_raises_and_connect_reconnects() -> None:
    async with SerialServer(sends(A9_1560)) as server:
        indicator = _indicator(server.port)
        await indicator.connect()
        assert (await indicator.read()).kg == 1560
        with pytest.raises(IndicatorError, match="link .* failed"):
            await indicator.read()
        with pytest.raises(IndicatorError, match="not connected"):
            await indicator.read()
        await indicator.connect()
        assert (await indicator.read()).kg == 1560
        assert server.connections == 2
        await indicator.close()


async def test_silence_and_garbage_time_out() -> None:
    async with SerialServer(sends(GARBAGE * 20, then_wait_s=5.0)) as server:
        indicator = _indicator(server.port, frame_timeout_s=0.3)
        await indicator.connect()
        with pytest.raises(IndicatorError, match="no good a9 frame"):
            await indicator.read()
        await indicator.close()


async def test_nothing_listening() -> None:
    async with SerialServer(sends()) as server:
        port = server.port
    indicator = _indicator(port)
    with pytest.raises(IndicatorError, match="cannot open"):
        await indicator.connect()


def test_constructor_checks() -> None:
    with pytest.raises(ValueError, match="protocol"):
        StreamIndicator(protocol="xk3190", host="127.0.0.1", port=1)
    with pytest.raises(ValueError, match="serial_port"):
        StreamIndicator(protocol="a9")
    with pytest.raises(ValueError, match="confirm_frames"):
        StreamIndicator(protocol="a9", host="127.0.0.1", port=1, confirm_frames=0)


# --- a local serial port (pseudo-terminal) -------------------------------------------------------


@pytest.fixture
async def pty() -> AsyncIterator[tuple[int, str]]:
    master, slave = os.openpty()
    try:
        yield master, os.ttyname(slave)
    finally:
        os.close(slave)
        with contextlib.suppress(OSError):
            os.close(master)


async def test_serial_port_through_a_pty(pty: tuple[int, str]) -> None:
    master, path = pty
    indicator = StreamIndicator(protocol="toledo", serial_port=path, baudrate=9600, frame_timeout_s=0.5)
    await indicator.connect()
    os.write(master, GARBAGE + TOLEDO_25480[:7])
    reading = asyncio.ensure_future(indicator.read())
    await asyncio.sleep(0.05)
    os.write(master, TOLEDO_25480[7:] + TOLEDO_NET_MOTION)
    first = await reading
    second = await indicator.read()
    assert [(first.kg, first.motion), (second.kg, second.motion)] == [(25480, False), (-120, True)]
    with pytest.raises(IndicatorError, match="no good toledo frame"):
        await asyncio.wait_for(indicator.read(), 3.0)  # line silent: the timeout, not a hang
    await indicator.close()


async def test_serial_port_missing() -> None:
    indicator = StreamIndicator(protocol="a9", serial_port="/dev/meitong-no-such-port")
    with pytest.raises(IndicatorError, match="cannot open"):
        await indicator.connect()


async def test_serial_port_hangup_raises(pty: tuple[int, str]) -> None:
    master, path = pty
    indicator = StreamIndicator(protocol="a9", serial_port=path, frame_timeout_s=2.0)
    await indicator.connect()
    os.write(master, A9_3290)
    assert (await indicator.read()).kg == 3290
    os.close(master)  # the far end hangs up: the slave reads EIO, pyserial raises SerialException
    with pytest.raises(IndicatorError, match="link .* failed"):
        await indicator.read()
