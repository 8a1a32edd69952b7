"""The GPS worker: the Redis stream of positions → the pipeline → SQL, exactly once in effect.

One round: read entries in the consumer group (first this consumer's own unacknowledged ones,
then entries idle too long at dead consumers, then new ones); decode; run the pipeline with the
states of the batch's vehicles read from SQL; write positions, states, events, alerts and waybill
changes in ONE transaction; commit; move the latest positions in Redis forward; XACK.

A kill anywhere loses nothing: before the commit nothing is visible and the entries stay pending;
after it, a replay stores no position twice (primary key) and raises no event twice (the states
already moved past those fixes, and event ids are derived from their content).

The world (sites, zones, corridors) reloads when the version key changes or every 30 s; `sweep`
runs every few seconds for the silences no new position will ever report.

A batch that fails for a reason of its own (not the database or Redis being away) is retried entry by
entry at once, so the good entries around a poison one are stored and acknowledged; the entries that
still fail are retried a second later, and after `gps_max_deliveries` tries go to the dead-letter
stream with the reason (backend/workers/gps_dead.py) while the rest of the stream flows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from redis.exceptions import ResponseError

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.sites.schemas import SiteShape
from backend.domain.tracking import service as tracking
from backend.domain.tracking.service import WORLD_VERSION_KEY
from backend.domain.waybills import service as waybills
from backend.domain.waybills.service import load_world
from backend.workers import gps_dead
from backend.workers.gps_entries import Entry, decode, entries_of, is_uuid
from geo.pipeline import Pipeline
from geo.pipeline.model import Event, Settings, VehicleState
from geo.position import Position

log = logging.getLogger("meitong.gps")
IDLE_PAUSE_S = 0.2


def default_consumer() -> str:
    return f"gps-{socket.gethostname()}-{os.getpid()}"


class GpsWorker:
    def __init__(self, ctx: Context, *, consumer: str | None = None, settings: Settings | None = None,
                 now: Callable[[], float] = time.time, monotonic: Callable[[], float] = time.monotonic,
                 batch_entries: int = 200, block_ms: int = 1000,
                 claim_idle_s: float = 60.0, reload_s: float = 30.0, sweep_s: float = 5.0, retry_pause_s: float = 1.0,
                 after_commit: Callable[[list[bytes]], Awaitable[None]] | None = None) -> None:
        self.ctx = ctx
        self.stream = ctx.settings.gps_stream
        self.group = ctx.settings.gps_group
        self.consumer = consumer or default_consumer()
        self.settings = settings or Settings()
        self.now = now
        self.monotonic = monotonic  # pauses and reloads: a test steps it by hand
        self.batch_entries = batch_entries
        self.block_ms = block_ms
        self.claim_idle_ms = int(claim_idle_s * 1000)
        self.reload_s = reload_s
        self.sweep_s = sweep_s
        self.retry_pause_s = retry_pause_s  # before a failed entry's next try; new entries flow meanwhile
        self.max_deliveries = max(1, ctx.settings.gps_max_deliveries)
        self.after_commit = after_commit  # test hook: between the commit and the acknowledgement
        self.pipeline: Pipeline | None = None
        self.sites: dict[str, SiteShape] = {}
        self._version: bytes | None = None
        self._loaded_at = float("-inf")
        self._own_pending = True  # re-read our own unacknowledged entries first
        self._retry_at = float("-inf")  # not before this (monotonic s)
        self._from_pending = False  # the last read came from the pending list: some may carry tries

    async def setup(self) -> None:
        """The consumer group, made once (MKSTREAM, from id 0). Asked before made: an error reply is
        normal for BUSYGROUP but costs the connection on some servers (fakeredis over TCP)."""
        redis = self.ctx.redis
        if await redis.exists(self.stream):
            groups = await redis.xinfo_groups(self.stream)
            names = {g["name"] if isinstance(g["name"], str) else g["name"].decode() for g in groups}
            if self.group in names:
                return
        try:
            await redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:  # another worker made it meanwhile
            if "BUSYGROUP" not in str(exc):
                raise

    async def _world(self) -> Pipeline:
        raw = await self.ctx.redis.get(WORLD_VERSION_KEY)
        version = raw.encode() if isinstance(raw, str) else raw
        if self.pipeline is None or version != self._version or self.monotonic() - self._loaded_at >= self.reload_s:
            async with self.ctx.sessions() as session:
                world, self.sites = await load_world(session)
            self.pipeline = Pipeline(world, self.settings)
            self._version, self._loaded_at = version, self.monotonic()
        return self.pipeline

    async def _read(self, block_ms: int | None) -> list[Entry]:
        redis = self.ctx.redis
        self._from_pending = self._own_pending and self.monotonic() >= self._retry_at
        if self._from_pending:
            entries = entries_of(await redis.xreadgroup(self.group, self.consumer, {self.stream: "0"},
                                                        count=self.batch_entries))
            if entries:
                return entries
            self._own_pending = False
            claimed = await redis.xautoclaim(self.stream, self.group, self.consumer, self.claim_idle_ms,
                                             start_id="0-0", count=self.batch_entries)
            taken = entries_of({self.stream: [claimed[1]]}) if claimed and len(claimed) > 1 else []
            if taken:
                self._own_pending = True  # they are ours now: the next round reads them as our own
                return taken
        self._from_pending = False
        return entries_of(await redis.xreadgroup(self.group, self.consumer, {self.stream: ">"},
                                                 count=self.batch_entries, block=block_ms))

    async def step(self, *, wait: bool = True) -> int:
        """One round; returns how many stream entries it read and dealt with: stored, set aside, or
        left pending for a later try (0: nothing to do). `wait`: block up to block_ms for new entries
        (never 0: BLOCK 0 would wait for ever)."""
        entries = await self._read(max(1, self.block_ms) if wait else None)
        if not entries:
            return 0
        try:
            # The world first, outside the entries' blame: a world that cannot load is no entry's fault.
            pipeline = await self._world()
        except Exception:
            self._own_pending = True
            raise
        try:
            await self.process(decode(entries), [e[0] for e in entries], pipeline=pipeline)
        except Exception as exc:
            self._own_pending = True  # the entries stay pending: the next round retries them
            if gps_dead.is_transient(exc):
                raise
            log.warning("gps batch failed; retrying its entries one by one", exc_info=True)
            await self._isolate(entries, pipeline)
        else:
            if self._from_pending:  # some of them may have failed before: their tries are void now
                await gps_dead.forget(self.ctx.redis, stream=self.stream, entry_ids=[e[0] for e in entries])
        return len(entries)

    async def _isolate(self, entries: list[Entry], pipeline: Pipeline) -> None:
        """Each entry of a failed batch on its own: the good ones are stored and acknowledged, a bad one
        counts a try and, at the limit, goes to the dead-letter stream."""
        for entry_id, fields in entries:
            try:
                await self.process(decode([(entry_id, fields)]), [entry_id], pipeline=pipeline)
            except Exception as exc:
                if gps_dead.is_transient(exc):
                    raise
                tries = await gps_dead.count_failure(self.ctx.redis, stream=self.stream, entry_id=entry_id)
                if tries < self.max_deliveries:
                    log.warning("gps entry failed", extra={"entry": entry_id.decode(), "tries": tries}, exc_info=True)
                    self._retry_at = self.monotonic() + self.retry_pause_s
                    continue
                await gps_dead.bury(self.ctx.redis, stream=self.stream, group=self.group, entry_id=entry_id,
                                    fields=fields, exc=exc, tries=tries, now=utcnow())
                log.error("gps entry moved to the dead-letter stream",
                          extra={"entry": entry_id.decode(), "tries": tries, "error": type(exc).__name__})
            else:
                await gps_dead.forget(self.ctx.redis, stream=self.stream, entry_ids=[entry_id])

    async def process(self, batch: list[Position], entry_ids: list[bytes], *, pipeline: Pipeline | None = None) -> None:
        pipeline = pipeline or await self._world()
        now_s = self.now()
        vehicle_ids = {p.vehicle_id for p in batch if is_uuid(p.vehicle_id)}
        batch = [p for p in batch if p.vehicle_id in vehicle_ids]
        async with self.ctx.sessions() as session:
            vehicle_states = await tracking.load(session, vehicle_ids=vehicle_ids)
            result = pipeline.process(batch, vehicle_states, now_s=now_s)
            await tracking.insert_positions(session, positions=list(result.kept), now_s=now_s)
            await tracking.save(session, states=vehicle_states, vehicle_ids=vehicle_ids)
            await waybills.apply_batch(session, redis=self.ctx.redis, kept=list(result.kept),
                                          events=list(result.events), sites=self.sites,
                                          width_m=self.ctx.settings.gps_corridor_width_m)
            await session.commit()
        if self.after_commit is not None:
            await self.after_commit(entry_ids)
        await tracking.update(self.ctx.redis, positions=list(result.kept))
        if entry_ids:
            await self.ctx.redis.xack(self.stream, self.group, *entry_ids)

    async def sweep(self) -> list[Event]:
        """Signal gaps of silent vehicles on waybills (no position will come to report them)."""
        pipeline = await self._world()
        async with self.ctx.sessions() as session:
            on_waybills = {c.vehicle_id for c in pipeline.world.corridors}
            vehicle_states: dict[str, VehicleState] = await tracking.load(session, vehicle_ids=on_waybills)
            events = pipeline.sweep(vehicle_states, now_s=self.now())
            if not events:
                return []
            touched = {e.vehicle_id for e in events}
            await tracking.save(session, states=vehicle_states, vehicle_ids=touched)
            await waybills.apply_batch(session, redis=self.ctx.redis, kept=[], events=list(events), sites=self.sites,
                                          width_m=self.ctx.settings.gps_corridor_width_m)
            await session.commit()
        return list(events)

    async def drain(self, *, max_rounds: int = 1_000) -> int:
        """Process until the stream has nothing for us (tests, and `make run`'s start)."""
        total = 0
        for _ in range(max_rounds):
            done = await self.step(wait=False)
            if not done:
                break
            total += done
        return total

    async def run(self, stop: asyncio.Event | None = None) -> None:
        await self.setup()
        async with self.ctx.sessions() as session:
            await tracking.rebuild(self.ctx.redis, session)
        last_sweep = time.monotonic()
        while stop is None or not stop.is_set():
            try:
                if not await self.step():
                    # The embedded Redis substitute answers XREADGROUP BLOCK at once instead of
                    # waiting: without this pause the loop would spin and starve the web process.
                    await asyncio.sleep(IDLE_PAUSE_S)
                if time.monotonic() - last_sweep >= self.sweep_s:
                    await self.sweep()
                    last_sweep = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bad round must not stop the worker; the entries stay pending
                log.exception("gps round failed")
                await asyncio.sleep(1.0)


async def run_gps_worker(ctx: Context, *, consumer: str | None = None, claim_idle_s: float = 60.0) -> None:
    """`meitong gps-worker`: run until killed (a kill at any point is safe, see the module docstring)."""
    try:
        await GpsWorker(ctx, consumer=consumer, claim_idle_s=claim_idle_s).run()
    finally:
        await ctx.redis.aclose()
        await ctx.engine.dispose()


@contextlib.asynccontextmanager
async def in_app_gps(ctx: Context) -> AsyncIterator[GpsWorker]:
    """The GPS worker as a task of the web process (embedded Redis: no other process can reach it)."""
    worker = GpsWorker(ctx)
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
