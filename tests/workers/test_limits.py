"""Per-connection and per-server limits: garbage, overflow, frame rate, connection cap, subpackages."""

from __future__ import annotations

import asyncio
import random
import time

from backend.workers.jt808 import Limits, serve_gateway
from geo.protocols.jt808 import Header, encode_frame
from geo.protocols.jt808.codec import HEARTBEAT, LOCATION, PLATFORM_REPLY
from tests.workers.conftest import T0, fix, online_terminal, stream_entries


async def _closed_within(reader: asyncio.StreamReader, timeout_s: float) -> bool:
    async def drain() -> None:
        while await reader.read(4096):
            pass
    try:
        await asyncio.wait_for(drain(), timeout=timeout_s)
    except TimeoutError:
        return False
    return True


async def test_long_garbage_without_flags_closes_that_connection_only(ctx, gateway):
    good, _ = await online_terminal(ctx, gateway)
    rng = random.Random(7)
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    garbage = bytes(rng.choice([b for b in range(256) if b != 0x7E]) for _ in range(64 * 1024))
    try:
        writer.write(garbage)
        await writer.drain()
    except ConnectionError:
        pass
    assert await _closed_within(reader, 3)
    writer.close()
    assert gateway.counts["closed_garbage"] == 1
    assert await good.send_location(fix(0)) == 0
    await good.close()
    assert len(await stream_entries(ctx)) == 1


async def test_frame_that_never_ends_overflows_and_closes(ctx, gateway):
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    try:
        writer.write(b"\x7e" + b"\x01" * (gateway.limits.max_frame_bytes + 10))
        await writer.drain()
    except ConnectionError:
        pass
    assert await _closed_within(reader, 3)
    writer.close()
    assert gateway.counts["closed_overflow"] == 1


async def test_frames_beyond_the_rate_are_paced(ctx):
    gw = await serve_gateway(ctx, host="127.0.0.1", port=0, limits=Limits(frames_per_s=20, frame_burst=5))
    try:
        sim, _ = await online_terminal(ctx, gw)  # 2 frames of the burst
        beats = b"".join(encode_frame(Header(HEARTBEAT, sim.phone, 100 + i, 0), b"") for i in range(13))
        started = time.monotonic()
        await sim.send_raw(beats)  # 13 heartbeats coalesced in one write
        for _ in range(300):
            if len(sim.replies) >= 14:
                break
            await asyncio.sleep(0.01)
        elapsed_s = time.monotonic() - started
        assert [r.result for r in sim.replies[1:]] == [0] * 13
        assert elapsed_s >= 0.4  # 3 from the burst, then 10 at 20 a second
        await sim.close()
    finally:
        await gw.close()


async def test_connections_beyond_the_cap_are_refused(ctx):
    gw = await serve_gateway(ctx, host="127.0.0.1", port=0, limits=Limits(max_connections=2))
    try:
        first, _ = await online_terminal(ctx, gw)
        second, _ = await online_terminal(ctx, gw)
        reader, writer = await asyncio.open_connection("127.0.0.1", gw.port)
        assert await _closed_within(reader, 3)
        writer.close()
        assert gw.counts["refused_full"] == 1
        assert await first.heartbeat() == 0 and await second.heartbeat() == 0
        await first.close()
        await second.close()
    finally:
        await gw.close()


async def test_subpackaged_location_is_reassembled(ctx, gateway):
    sim, vehicle_id = await online_terminal(ctx, gateway)
    body = fix(0).location()
    from geo.protocols.jt808.location import encode_location

    raw = encode_location(body)
    parts = [raw[:20], raw[20:]]
    wires = [encode_frame(Header(LOCATION, sim.phone, 500 + i, 0, package_total=2, package_index=i + 1), part)
             for i, part in enumerate(parts)]
    await sim.send_raw(wires[0][:7])
    await sim.send_raw(wires[0][7:] + wires[1])
    for _ in range(200):
        if any(r.reply_seq == 501 for r in sim.replies):
            break
        await asyncio.sleep(0.01)
    await sim.close()
    assert [(r.reply_seq, r.reply_msg_id, r.result) for r in sim.replies[1:]] == [(500, LOCATION, 0), (501, LOCATION, 0)]
    [[p]] = await stream_entries(ctx)
    assert p.vehicle_id == str(vehicle_id) and p.fix_at_s == T0.timestamp()
    assert PLATFORM_REPLY == 0x8001


async def test_malformed_frame_with_a_readable_header_gets_result_2(ctx, gateway):
    sim, _ = await online_terminal(ctx, gateway)
    wire = bytearray(encode_frame(Header(LOCATION, sim.phone, 900, 0), b"\x00" * 10))  # too short a body
    await sim.send_raw(bytes(wire))
    bad_check = bytearray(encode_frame(Header(HEARTBEAT, sim.phone, 901, 0), b""))
    bad_check[-2] ^= 0x55
    await sim.send_raw(bytes(bad_check))
    for _ in range(200):
        if len(sim.replies) >= 3:
            break
        await asyncio.sleep(0.01)
    assert [(r.reply_seq, r.result) for r in sim.replies[1:]] == [(900, 2), (901, 2)]
    assert await sim.heartbeat() == 0  # the session goes on
    await sim.close()
