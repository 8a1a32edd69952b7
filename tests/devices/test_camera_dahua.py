"""Dahua attachFileProc streams: the parser on every split of a sample, the stream against a real server."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devices.camera.dahua import DahuaEventStream, DahuaStreamParser
from devices.camera.multipart import MultipartError
from devices.sim.camera import dahua_event_text, dahua_stream_body, tiny_jpeg

DATA = Path(__file__).parents[1] / "data" / "cameras"
EVENT_1 = (DATA / "dahua_traffic_junction_1.txt").read_text(encoding="utf-8")
EVENT_2 = (DATA / "dahua_traffic_junction_2.txt").read_text(encoding="utf-8")
MOTION = (DATA / "dahua_video_motion.txt").read_text(encoding="utf-8")
JPEG_1, JPEG_2 = tiny_jpeg("car 1"), tiny_jpeg("car 2")
# What the camera sends after its HTTP response head: heartbeats, two ANPR events with their
# pictures, and a motion event the lane does not want.
SAMPLE = dahua_stream_body(["Heartbeat", EVENT_1, JPEG_1, MOTION, "Heartbeat", EVENT_2, JPEG_2, "Heartbeat"])
EXPECTED = [
    (
        "蒙K66888",
        "yellow",
        "蒙K66888@1773541845.320",
        datetime(2026, 3, 15, 2, 30, 45, 320000, UTC),
        1,
        92,
        JPEG_1,
    ),
    (
        "蒙B12345D",
        "yellow_green",
        "蒙B12345D@1773541882.045",
        datetime(2026, 3, 15, 2, 31, 22, 45000, UTC),
        2,
        88,
        JPEG_2,
    ),
]


def _summary(reads: list) -> list[tuple]:  # type: ignore[type-arg]
    return [
        (r.plate, r.colour, r.event_id, r.at, r.lane_no, r.confidence, r.pictures["picture1.jpg"])
        for r in reads
    ]


def _parser() -> DahuaStreamParser:
    return DahuaStreamParser("myboundary", camera="dahua-exit", direction="out")


def test_sample_stream_yields_both_reads() -> None:
    parser = _parser()
    reads = parser.feed(SAMPLE)
    assert _summary(reads) == EXPECTED
    assert {(r.camera, r.direction) for r in reads} == {("dahua-exit", "out")}
    assert (parser.heartbeats, parser.ignored) == (3, 1)  # the last heartbeat: by its Content-Length
    assert parser.finish() == []


def test_every_split_of_the_sample_yields_the_same_reads() -> None:
    for cut in range(len(SAMPLE) + 1):
        parser = _parser()
        reads = parser.feed(SAMPLE[:cut]) + parser.feed(SAMPLE[cut:]) + parser.finish()
        assert _summary(reads) == EXPECTED, f"split at byte {cut}"


def test_byte_by_byte_and_random_chunks_yield_the_same_reads() -> None:
    parser = _parser()
    assert _summary([r for i in range(len(SAMPLE)) for r in parser.feed(SAMPLE[i : i + 1])]) == EXPECTED
    rng = random.Random(7)
    for _ in range(200):
        parser, reads, at = _parser(), [], 0
        while at < len(SAMPLE):
            step = rng.randint(1, 90)
            reads += parser.feed(SAMPLE[at : at + step])
            at += step
        assert _summary(reads) == EXPECTED


def test_an_event_without_a_picture_is_complete_at_the_next_part() -> None:
    parser = _parser()
    first = parser.feed(b"HTTP noise before the first delimiter\r\n" + dahua_stream_body([EVENT_1, EVENT_2]))
    assert [(r.plate, r.pictures) for r in first] == [("蒙K66888", {})]
    assert [(r.plate, r.pictures) for r in parser.finish()] == [("蒙B12345D", {})]


def test_gb18030_text_and_unreadable_plates() -> None:
    text = dahua_event_text("无车牌", colour="Unknown", utc_s=1773541900).encode("gb18030")
    part = b"--myboundary\r\nContent-Type: text/plain\r\n\r\n" + text + b"\r\n"
    parser = _parser()
    reads = parser.feed(part + dahua_stream_body([JPEG_1]))
    assert [(r.plate, r.colour, r.event_id) for r in reads] == [("", "unknown", "@1773541900.000")]


def test_a_part_without_end_is_bounded() -> None:
    parser = _parser()
    parser.feed(b"--myboundary\r\nContent-Type: image/jpeg\r\n\r\n")
    with pytest.raises(MultipartError):
        for _ in range(5):
            parser.feed(bytes(1 << 20))


# --- DahuaEventStream against a real HTTP server on 127.0.0.1 ------------------------------------

REALM, NONCE, USER, PASSWORD = "Login to 4L0A1B2PAZ", "1739873051", "admin", "admin123"
PATH = "/cgi-bin/snapManager.cgi?action=attachFileProc&Flags[0]=Event&Events=[TrafficJunction]&channel=1&heartbeat=30"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _digest_ok(method: str, target: str, header: str) -> bool:
    """RFC 7616 Digest with qop=auth and MD5, as Dahua firmware asks for it."""
    if not header.startswith("Digest "):
        return False
    fields = dict(item.strip().split("=", 1) for item in header[7:].split(","))
    f = {k: v.strip('"') for k, v in fields.items()}
    ha1, ha2 = _md5(f"{USER}:{REALM}:{PASSWORD}"), _md5(f"{method}:{target}")
    expected = _md5(f"{ha1}:{NONCE}:{f['nc']}:{f['cnonce']}:auth:{ha2}")
    return f["username"] == USER and f["uri"] == target and f["response"] == expected


@pytest.fixture
async def camera_server() -> AsyncIterator[tuple[int, list[str]]]:
    """Connection n streams BODIES[n]: the first a heartbeat and event 1, then it drops; the second
    replays event 1 (cameras do after a reconnect), then event 2, and stays open."""
    bodies: list[list[str | bytes]] = [
        ["Heartbeat", EVENT_1, JPEG_1],
        [EVENT_1, JPEG_1, "Heartbeat", EVENT_2, JPEG_2],
    ]
    seen: list[str] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await stream(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client stopped mid-request
        finally:
            writer.close()

    async def stream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = (await reader.readuntil(b"\r\n\r\n")).decode()
            method, target, _ = head.split("\r\n")[0].split(" ")
            auth = next(
                (line[15:] for line in head.split("\r\n") if line.lower().startswith("authorization: ")), ""
            )
            seen.append(target)
            if _digest_ok(method, target, auth):
                break
            writer.write(
                f'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="{REALM}", qop="auth", '
                f'nonce="{NONCE}", opaque="", algorithm="MD5"\r\nContent-Length: 0\r\n\r\n'.encode()
            )
        parts = bodies.pop(0)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=myboundary\r\n"
            b"Connection: close\r\n\r\n"
        )
        for part in parts:  # one part at a time, as the camera produces them
            writer.write(dahua_stream_body([part]))
            await writer.drain()
            await asyncio.sleep(0.01)
        if not bodies:
            await reader.read()  # the live stream stays open until the client leaves

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1], seen
    server.close()


async def test_event_stream_reads_reconnects_and_deduplicates(camera_server: tuple[int, list[str]]) -> None:
    port, seen = camera_server
    stream = DahuaEventStream(
        f"http://127.0.0.1:{port}",
        username=USER,
        password=PASSWORD,
        direction="in",
        min_backoff_s=0.01,
        max_backoff_s=0.05,
    )
    try:
        first = await asyncio.wait_for(stream.next_read(), 3.0)
        second = await asyncio.wait_for(stream.next_read(), 3.0)
        assert [(r.plate, r.direction, r.camera) for r in (first, second)] == [
            ("蒙K66888", "in", "127.0.0.1"),
            ("蒙B12345D", "in", "127.0.0.1"),
        ]
        assert first.pictures == {"picture1.jpg": JPEG_1} and second.pictures == {"picture1.jpg": JPEG_2}
        assert stream.connects >= 2 and stream.duplicates == 1 and stream.heartbeats >= 1
        assert seen[0] == PATH and all(target == PATH for target in seen)
    finally:
        await stream.stop()


async def test_event_stream_keeps_retrying_a_refusing_camera() -> None:
    attempts: list[float] = []
    five_attempts = asyncio.Event()

    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.IncompleteReadError):  # the client stopped mid-request
            await reader.readuntil(b"\r\n\r\n")
            attempts.append(asyncio.get_running_loop().time())
            if len(attempts) >= 5:
                five_attempts.set()
            writer.write(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(refuse, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    stream = DahuaEventStream(
        f"http://127.0.0.1:{port}", username=USER, password=PASSWORD, min_backoff_s=0.02, max_backoff_s=0.08
    )
    await stream.start()
    try:
        await asyncio.wait_for(five_attempts.wait(), 3.0)
        gaps = [b - a for a, b in zip(attempts, attempts[1:], strict=False)]
        assert stream.failures >= 4 and stream.connects == 0
        assert gaps[-1] >= gaps[0]  # backing off, not hammering
    finally:
        await stream.stop()
        server.close()
