"""`meitong gps-worker` as a real process, SIGKILLed mid-stream and restarted under another name:
every position sent is stored exactly once and nothing stays pending.

On the embedded defaults the Redis substitute lives in this process, so it is exposed over TCP on
127.0.0.1 (fakeredis' TcpFakeServer) for the worker process; the SQLite file is shared as is."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import fakeredis
import pytest
from redis.asyncio import Redis

from backend.context import Context
from backend.db.unit import unit_of_work
from backend.domain.tracking import positions
from geo.position import Position, encode_positions

ROOT = Path(__file__).resolve().parents[2]
MEITONG = str(Path(sys.executable).parent / "meitong")


@pytest.fixture
async def stream_url(ctx: Context) -> AsyncIterator[str]:
    if not ctx.settings.redis_url.startswith("memory://"):
        yield ctx.settings.redis_url  # the ctx fixture flushed this database
        return
    server = fakeredis.TcpFakeServer(("127.0.0.1", 0), server_type="redis")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.server_address[1]}/0"
    finally:
        server.shutdown()
        server.server_close()


def _start(ctx: Context, url: str, consumer: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": ctx.settings.database_url, "REDIS_URL": url, "MEITONG_LOG_LEVEL": "WARNING"}
    return subprocess.Popen([MEITONG, "gps-worker", "--consumer", consumer, "--claim-idle-s", "1"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def _count(ctx: Context) -> int:
    async with unit_of_work(ctx) as session:
        return await positions.count(session)


async def test_sigkill_mid_stream_loses_no_position(ctx: Context, stream_url: str) -> None:
    vehicles = [str(uuid.uuid4()) for _ in range(8)]
    t0 = time.time() - 600
    entries = [encode_positions([Position(vehicle_id=v, fix_at_s=t0 + 2 * i, lon=107.5 + i * 1e-4, lat=38.2 + k * 0.01,
                                          speed_kmh=20.0, received_at_s=t0 + 2 * i) for k, v in enumerate(vehicles)])
               for i in range(150)]
    sent = len(entries) * len(vehicles)
    redis = Redis.from_url(stream_url)
    first = _start(ctx, stream_url, "killed")
    second = None
    try:
        # Until the worker reads the stream: one that starts late on a busy machine would otherwise
        # find every entry there at once and store them all in its first batch, before the kill.
        for _ in range(600):
            if first.poll() is not None or (await redis.exists(ctx.settings.gps_stream) and any(
                    g["consumers"] for g in await redis.xinfo_groups(ctx.settings.gps_stream))):
                break
            await asyncio.sleep(0.1)
        i = 0
        for _ in range(600):  # feed the stream until the first worker has committed something
            for raw in entries[i:i + 5]:
                await redis.xadd(ctx.settings.gps_stream, {"p": raw})
            i = min(i + 5, len(entries))
            if await _count(ctx) > 0 or first.poll() is not None:
                break
            await asyncio.sleep(0.1)
        assert first.poll() is None, first.stderr.read() if first.stderr else b""
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        stored_at_kill = await _count(ctx)
        for raw in entries[i:]:
            await redis.xadd(ctx.settings.gps_stream, {"p": raw})
        assert 0 < stored_at_kill < sent
        second = _start(ctx, stream_url, "successor")
        for _ in range(300):
            pending = await redis.xpending(ctx.settings.gps_stream, ctx.settings.gps_group)
            if await _count(ctx) >= sent and pending["pending"] == 0:
                break
            await asyncio.sleep(0.2)
        if await _count(ctx) != sent and second.poll() is not None:
            pytest.fail((second.stderr.read() if second.stderr else b"").decode()[-600:])
        assert await _count(ctx) == sent, await redis.xpending(ctx.settings.gps_stream, ctx.settings.gps_group)
        assert (await redis.xpending(ctx.settings.gps_stream, ctx.settings.gps_group))["pending"] == 0
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=10)
        await redis.aclose()
