"""Done-when: thousands of random and mutated frames never crash the gateway or affect other connections.

Hostile peers send random bytes and vector frames with flipped bytes, cut lengths, broken escapes
and wrong checks, coalesced and split at random points, reconnecting whenever the gateway closes
them; meanwhile a good terminal reports positions. Seeded and bounded.
"""

from __future__ import annotations

import asyncio
import random

from backend.workers.jt808 import Gateway
from geo.protocols.jt808.framing import checksum, escape, unescape
from tests.geo.jt808.conftest import VECTORS, wire_of
from tests.workers.conftest import fix, online_terminal, stream_entries

SEEDS = [wire_of(v) for v in VECTORS]
HOSTILE_PEERS = 4
FRAMES_PER_PEER = 800
# Frames queued behind a close are never read, and how many that is depends on scheduling (a busy
# machine coalesces more): peers go on past FRAMES_PER_PEER, up to a bound, until the gateway has
# judged JUDGED_FRAMES.
JUDGED_FRAMES = 2000
MAX_FRAMES_PER_PEER = 3 * FRAMES_PER_PEER
GOOD_POSITIONS = 40


def hostile_frame(rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:  # noise, sometimes with flags in it
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 80)))
    seed = rng.choice(SEEDS)
    content = bytearray(unescape(seed[1:-1]))
    if kind == 1:  # the vector as it is: valid frames from terminals that never authenticated
        pass
    elif kind == 2:  # flipped bytes, check fixed so the body parsers see them
        for _ in range(rng.randint(1, 4)):
            content[rng.randrange(len(content))] = rng.randrange(256)
        content[-1] = checksum(bytes(content[:-1]))
    elif kind == 3:  # declared body length changed (attributes word), check fixed
        content[2] ^= rng.choice((0x01, 0x02, 0x10, 0x03, 0x20, 0x40))
        content[-1] = checksum(bytes(content[:-1]))
    elif kind == 4:  # truncated or padded body
        if rng.random() < 0.5:
            del content[rng.randrange(4, len(content)) :]
        else:
            content[-1:-1] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        if content and rng.random() < 0.5:
            content[-1] = checksum(bytes(content[:-1]))
    wire = bytearray(b"\x7e" + escape(bytes(content)) + b"\x7e")
    if kind == 5:  # broken escapes and stray flags
        at = rng.randrange(1, len(wire) - 1)
        wire[at:at] = rng.choice((b"\x7d", b"\x7d\x03", b"\x7e", b"\x7d\x7e"))
    return bytes(wire)


async def _read_until_closed(reader: asyncio.StreamReader) -> None:
    while await reader.read(4096):
        pass


async def hostile_peer(gateway: Gateway, rng: random.Random) -> int:
    """Sends FRAMES_PER_PEER frames (more while the gateway has judged too few) over as many
    connections as it takes; returns the connections."""
    sent = connections = 0

    def more() -> bool:
        return sent < FRAMES_PER_PEER or (gateway.counts["frames"] <= JUDGED_FRAMES and sent < MAX_FRAMES_PER_PEER)

    while more():
        reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
        connections += 1
        replies = asyncio.create_task(_read_until_closed(reader))
        try:
            while more() and not replies.done():
                n = rng.randint(1, 6)
                blob = b"".join(hostile_frame(rng) for _ in range(n))
                sent += n
                cuts = sorted(rng.sample(range(1, len(blob)), min(3, len(blob) - 1))) if len(blob) > 1 else []
                for start, end in zip([0, *cuts], [*cuts, len(blob)], strict=True):
                    writer.write(blob[start:end])
                    await writer.drain()
                await asyncio.sleep(0.002)  # let the gateway read it: a frame queued behind a close is never seen
        except (ConnectionError, OSError):
            pass  # the gateway closed us: reconnect
        finally:
            writer.close()
            replies.cancel()
            await asyncio.gather(replies, return_exceptions=True)
    return connections


async def test_hostile_frames_never_touch_a_good_terminal(ctx, gateway):
    good, vehicle_id = await online_terminal(ctx, gateway)

    async def report() -> list[int]:
        results = []
        for i in range(GOOD_POSITIONS):
            results.append(await good.send_location(fix(i)))
            await asyncio.sleep(0.01)
        return results

    hostile = [hostile_peer(gateway, random.Random(808 + k)) for k in range(HOSTILE_PEERS)]
    results, *connections = await asyncio.wait_for(asyncio.gather(report(), *hostile), timeout=30)
    assert results == [0] * GOOD_POSITIONS  # every position acknowledged
    assert await good.heartbeat() == 0
    await good.close()

    entries = await stream_entries(ctx)
    assert len(entries) == GOOD_POSITIONS
    assert {p.vehicle_id for e in entries for p in e} == {str(vehicle_id)}
    assert sorted(p.fix_at_s for e in entries for p in e) == [fix(i).at.timestamp() for i in range(GOOD_POSITIONS)]
    # The hostility was real, and nothing it did reached the catch-all.
    assert sum(connections) > HOSTILE_PEERS, dict(gateway.counts)
    assert gateway.counts["malformed"] > 200 and gateway.counts["unauthenticated"] > 50
    assert gateway.counts["closed_error"] == 0
    assert gateway.counts["frames"] > JUDGED_FRAMES  # frames the gateway actually read and judged
    # The server still accepts and serves new terminals.
    late, _ = await online_terminal(ctx, gateway, version=2019)
    try:
        assert await late.send_location(fix(0)) == 0
    finally:
        await late.close()
