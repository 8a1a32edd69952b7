"""A poison entry on the GPS stream: a well-formed Position whose mileage (2^63 m) no BIGINT column
holds, so storing its batch fails in the database itself, on SQLite and PostgreSQL alike. The good
entries around it are stored and acknowledged at once; it is tried `gps_max_deliveries` times, then
set aside in the dead-letter stream with the reason, and the stream keeps flowing. Replay puts it back.
Trouble that is not the entry's (a database that cannot be opened) sends nothing to the dead."""

from __future__ import annotations

import dataclasses
import time
import uuid

from backend.context import Context
from backend.db.session import create_engine, create_sessionmaker
from backend.domain.tracking import positions
from backend.workers import gps_dead
from backend.workers.gps import GpsWorker
from geo.position import Position, encode_positions

MILEAGE_NO_COLUMN_HOLDS = 2 ** 63  # a valid MessagePack uint64; BIGINT stops at 2^63 - 1


def _fix(vehicle: str, t: float, **kwargs: object) -> Position:
    return Position(vehicle_id=vehicle, fix_at_s=t, lon=107.5, lat=38.2, speed_kmh=30.0, received_at_s=t, **kwargs)


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


async def _add(ctx: Context, fix: Position) -> bytes:
    entry_id = await ctx.redis.xadd(ctx.settings.gps_stream, {"p": encode_positions([fix])})
    return entry_id if isinstance(entry_id, bytes) else str(entry_id).encode()


async def _stored(ctx: Context, vehicle: str) -> int:
    async with ctx.sessions() as session:
        return await positions.count(session, vehicle_id=uuid.UUID(vehicle))


async def _pending(ctx: Context) -> int:
    return int((await ctx.redis.xpending(ctx.settings.gps_stream, ctx.settings.gps_group))["pending"])


async def test_a_poison_entry_ends_in_the_dead_letter_stream_and_the_rest_flows(ctx: Context) -> None:
    tries = ctx.settings.gps_max_deliveries
    assert tries == 5  # the default
    t0 = time.time() - 600
    before, after, later, bad = (str(uuid.uuid4()) for _ in range(4))
    await _add(ctx, _fix(before, t0))
    poison = _fix(bad, t0 + 1, mileage_m=MILEAGE_NO_COLUMN_HOLDS)
    poison_id = await _add(ctx, poison)
    await _add(ctx, _fix(after, t0 + 2))
    clock = Clock(1000.0)
    worker = GpsWorker(ctx, consumer="t1", monotonic=clock, retry_pause_s=1.0)
    await worker.setup()

    assert await worker.step(wait=False) == 3  # the batch failed; the two good entries went on alone
    assert (await _stored(ctx, before), await _stored(ctx, after), await _stored(ctx, bad)) == (1, 1, 0)
    assert await _pending(ctx) == 1
    for attempt in range(2, tries + 1):
        await _add(ctx, _fix(later, t0 + 10 + attempt))  # new positions flow while the poison waits
        assert await worker.step(wait=False) == 1 and await _stored(ctx, later) == attempt - 1
        assert await worker.step(wait=False) == 0  # its pause is not over yet
        clock.t += 1.0
        assert await ctx.redis.xlen(gps_dead.dead_stream(ctx.settings.gps_stream)) == 0
        assert await worker.step(wait=False) == 1, attempt  # its next try
    assert await _pending(ctx) == 0 and await _stored(ctx, bad) == 0  # the last try set it aside
    [letter] = await gps_dead.listing(ctx.redis, stream=ctx.settings.gps_stream)
    assert letter.entry_id == poison_id.decode() and letter.tries == tries, letter
    assert letter.error.split(":")[0] in ("DataError", "StatementError", "OverflowError", "DBAPIError"), letter.error
    assert letter.fields == {b"p": encode_positions([poison])} and letter.dead_at.startswith("20")
    assert await ctx.redis.hlen(gps_dead.tries_key(ctx.settings.gps_stream)) == 0
    clock.t += 1.0
    assert await worker.drain() == 0  # nothing left to do

    [new_id] = await gps_dead.replay(ctx.redis, stream=ctx.settings.gps_stream, ids=[letter.id])
    assert await gps_dead.listing(ctx.redis, stream=ctx.settings.gps_stream) == []
    [(entry_id, fields)] = await ctx.redis.xrange(ctx.settings.gps_stream, min=new_id, max=new_id)
    assert fields == {b"p": encode_positions([poison])}
    assert await worker.step(wait=False) == 1 and await _pending(ctx) == 1  # read again, failed again, counted afresh
    assert await ctx.redis.hget(gps_dead.tries_key(ctx.settings.gps_stream), entry_id) == b"1"


async def test_a_database_that_is_away_sends_nothing_to_the_dead(ctx: Context, tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'no-such-dir' / 'gone.db'}")
    away = dataclasses.replace(ctx, engine=engine, sessions=create_sessionmaker(engine))
    vehicle = str(uuid.uuid4())
    await _add(ctx, _fix(vehicle, time.time() - 60))
    worker = GpsWorker(away, consumer="t1", retry_pause_s=0.0)
    await worker.setup()
    try:
        for _ in range(2 * ctx.settings.gps_max_deliveries):
            try:
                await worker.step(wait=False)
            except Exception as exc:
                assert gps_dead.is_transient(exc), repr(exc)
            else:
                raise AssertionError("a round without its database succeeded")
    finally:
        await engine.dispose()
    assert await _pending(ctx) == 1
    assert await ctx.redis.xlen(gps_dead.dead_stream(ctx.settings.gps_stream)) == 0
    assert await ctx.redis.hlen(gps_dead.tries_key(ctx.settings.gps_stream)) == 0
    assert await GpsWorker(ctx, consumer="t1").drain() == 1 and await _stored(ctx, vehicle) == 1
