"""The Hikvision receiver on a real socket: the simulator pushes to it over 127.0.0.1."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from devices.camera.base import PlateRead, PlateSource
from devices.camera.dedupe import RecentEvents
from devices.camera.receiver import HikvisionReceiver
from devices.sim.camera import HIKVISION_NS, ISAPI_NS, SimAnprCamera, tiny_jpeg

DATA = Path(__file__).parents[1] / "data" / "cameras"
CST = timezone(timedelta(hours=8))
AT = datetime(2026, 3, 15, 10, 30, 45, 123000, tzinfo=CST)


@pytest.fixture
async def receiver() -> AsyncIterator[HikvisionReceiver]:
    receiver = HikvisionReceiver(roles={"192.168.1.64": "in"})
    await receiver.start()
    yield receiver
    await receiver.stop()


def _camera(receiver: HikvisionReceiver, **kwargs: str) -> SimAnprCamera:
    return SimAnprCamera(f"http://127.0.0.1:{receiver.port}/ISAPI/anpr", **kwargs)


async def _read(source: PlateSource) -> PlateRead:
    return await asyncio.wait_for(source.next_read(), 2.0)


async def _exchange(receiver: HikvisionReceiver, raw: bytes) -> bytes:
    """Send raw bytes on a fresh connection and half-close it; everything the receiver answers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
    writer.write(raw)
    writer.write_eof()
    answer = await asyncio.wait_for(reader.read(), 2.0)
    writer.close()
    await writer.wait_closed()
    return answer


@pytest.mark.parametrize("namespace", [ISAPI_NS, HIKVISION_NS, ""])
async def test_simulated_camera_push_becomes_a_read(receiver: HikvisionReceiver, namespace: str) -> None:
    assert await _camera(receiver, namespace=namespace).push(
        "蒙K·66888", "yellowGreen", at=AT, uuid="u-1"
    ) == [200]
    read = await _read(receiver)
    assert (read.plate, read.colour, read.event_id, read.at) == ("蒙K66888", "yellow_green", "u-1", AT)
    assert (read.camera, read.direction, read.lane_no, read.confidence) == ("192.168.1.64", "in", 1, 96)
    assert read.pictures == {
        "licensePlatePicture.jpg": tiny_jpeg("licensePlatePicture.jpg 蒙K·66888"),
        "detectionPicture.jpg": tiny_jpeg("detectionPicture.jpg 蒙K·66888"),
    }
    assert receiver.reads == 1


async def test_repeated_uuid_is_one_read(receiver: HikvisionReceiver) -> None:
    camera = _camera(receiver)
    assert await camera.push("蒙K66888", uuid="6f1c3a52-9b2e-4d7a-8c11-2f0e5d3b7a90", repeat=2) == [200, 200]
    assert await camera.push("蒙K66889") == [200]
    assert (await _read(receiver)).plate == "蒙K66888"
    assert (await _read(receiver)).plate == "蒙K66889"  # not a second 蒙K66888
    assert (receiver.reads, receiver.duplicates) == (2, 1)


async def test_same_plate_and_time_without_uuid_is_one_read(receiver: HikvisionReceiver) -> None:
    camera = _camera(receiver)
    await camera.push("蒙K66888", at=AT, uuid="")
    await camera.push("蒙K66888", at=AT, uuid="")
    await camera.push("蒙K66888", at=AT + timedelta(seconds=40), uuid="")
    first, second = await _read(receiver), await _read(receiver)
    assert first.event_id == "蒙K66888@20260315103045123"
    assert second.at == AT + timedelta(seconds=40)
    assert receiver.duplicates == 1


async def test_the_same_uuid_from_another_camera_is_another_read(receiver: HikvisionReceiver) -> None:
    await _camera(receiver).push("蒙K66888", uuid="u-7")
    await _camera(receiver, ip_address="192.168.1.65").push("蒙K66888", uuid="u-7")
    assert [(await _read(receiver)).camera for _ in range(2)] == ["192.168.1.64", "192.168.1.65"]


async def test_heartbeat_is_answered_and_ignored(receiver: HikvisionReceiver) -> None:
    heartbeat = (DATA / "hikvision_heartbeat.xml").read_bytes()
    assert await _camera(receiver).post("application/xml", heartbeat) == [200]
    assert receiver.ignored == 1 and receiver.reads == 0


async def test_entity_declarations_are_refused(receiver: HikvisionReceiver) -> None:
    bomb = (DATA / "hikvision_entity_bomb.xml").read_bytes()
    assert await _camera(receiver).post("application/xml", bomb) == [400]
    assert receiver.bad_requests == 1 and receiver.reads == 0


async def test_reads_wait_in_order_while_nobody_consumes(receiver: HikvisionReceiver) -> None:
    camera = _camera(receiver)
    for plate in ("蒙K00001", "蒙K00002", "蒙K00003"):
        assert await asyncio.wait_for(camera.push(plate), 2.0) == [200]
    assert [(await _read(receiver)).plate for _ in range(3)] == ["蒙K00001", "蒙K00002", "蒙K00003"]


async def test_a_full_queue_drops_the_oldest_read() -> None:
    receiver = HikvisionReceiver(max_queued_reads=2)
    await receiver.start()
    try:
        for plate in ("蒙K00001", "蒙K00002", "蒙K00003"):
            await _camera(receiver).push(plate)
        assert [(await _read(receiver)).plate for _ in range(2)] == ["蒙K00002", "蒙K00003"]
        assert receiver.dropped_reads == 1
    finally:
        await receiver.stop()


async def test_oversize_chunked_and_get_are_refused_politely(receiver: HikvisionReceiver) -> None:
    head = "POST /ISAPI/anpr HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
    oversize = await _exchange(receiver, f"{head}Content-Length: 9000000\r\n\r\n".encode())
    assert (
        oversize.startswith(b"HTTP/1.1 413 Request Entity Too Large\r\n") and b"Connection: close" in oversize
    )
    chunked = await _exchange(
        receiver, f"{head}Transfer-Encoding: chunked\r\n\r\n4\r\n<a/>\r\n0\r\n\r\n".encode()
    )
    assert chunked.startswith(b"HTTP/1.1 411 ")
    assert (await _exchange(receiver, f"{head}\r\n".encode())).startswith(b"HTTP/1.1 411 ")
    assert (await _exchange(receiver, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startswith(b"HTTP/1.1 405 ")
    assert receiver.bad_requests == 4


async def test_keep_alive_serves_requests_in_turn_and_close_closes(receiver: HikvisionReceiver) -> None:
    heartbeat = (DATA / "hikvision_heartbeat.xml").read_bytes()
    request = f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {len(heartbeat)}\r\n".encode()
    # Two requests in one write (pipelined); the second asks to close, so the answer ends with EOF.
    answer = await _exchange(
        receiver, request + b"\r\n" + heartbeat + request + b"Connection: close\r\n\r\n" + heartbeat
    )
    assert answer.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert b"Connection: keep-alive" in answer and answer.rstrip().endswith(b"Connection: close")
    assert receiver.ignored == 2


async def test_garbage_never_stops_the_receiver(receiver: HikvisionReceiver) -> None:
    rng = random.Random(20260315)
    for size in (1, 17, 600, 5000):
        await _exchange(receiver, rng.randbytes(size))  # may or may not be answered: just not a crash
    assert (await _exchange(receiver, rng.randbytes(300) + b"\r\n\r\n")).startswith(b"HTTP/1.1 400 ")
    assert (await _exchange(receiver, b"POST / HTTP/1.1\r\nContent-Length: 5, 7\r\n\r\n")).startswith(
        b"HTTP/1.1 400"
    )
    assert (await _exchange(receiver, b"POST / HTTP/1.1\r\nX: " + b"a" * 20000)).startswith(b"HTTP/1.1 431 ")
    garbage_xml = b"POST / HTTP/1.1\r\nContent-Length: 64\r\n\r\n" + rng.randbytes(64)
    assert (await _exchange(receiver, garbage_xml)).startswith(b"HTTP/1.1 400 ")
    multipart = (
        b"POST / HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=z\r\nContent-Length: 64\r\n\r\n"
    )
    assert (await _exchange(receiver, multipart + rng.randbytes(64))).startswith(b"HTTP/1.1 400 ")
    # Half a request, then the peer hangs up.
    await _exchange(receiver, b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n<EventNotif")
    assert await _camera(receiver).push("蒙K66888") == [200]
    assert (await _read(receiver)).plate == "蒙K66888"


def test_recent_events_forget_after_the_ttl_and_stay_bounded() -> None:
    now_s = [0.0]
    recent = RecentEvents(ttl_s=600.0, max_ids=3, clock=lambda: now_s[0])
    assert [recent.seen("a"), recent.seen("a")] == [False, True]
    now_s[0] = 599.0
    assert recent.seen("a")
    now_s[0] = 600.0
    assert not recent.seen("a")
    for key in "bcde":
        recent.seen(key)
    assert len(recent) == 3 and not recent.seen("a")


async def test_expect_continue_is_honoured(receiver: HikvisionReceiver) -> None:
    heartbeat = (DATA / "hikvision_heartbeat.xml").read_bytes()
    head = f"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: {len(heartbeat)}\r\n\r\n".encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
    writer.write(head)
    assert await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2.0) == b"HTTP/1.1 100 Continue\r\n\r\n"
    writer.write(heartbeat)
    assert (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2.0)).startswith(b"HTTP/1.1 200 OK\r\n")
    writer.close()
    await writer.wait_closed()


async def test_stop_closes_idle_keep_alive_connections_promptly() -> None:
    receiver = HikvisionReceiver()
    await receiver.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
    await _camera(receiver).push("蒙K66888")  # the server is serving, the raw connection sits idle
    started_s = asyncio.get_running_loop().time()
    await receiver.stop()
    assert asyncio.get_running_loop().time() - started_s < 0.5
    assert await asyncio.wait_for(reader.read(), 1.0) == b""  # closed by the receiver
    writer.close()
    await writer.wait_closed()
