"""The Redis mirror of the waiting entries: one sorted set per site and product line.

Key `{prefix}:q:{site_id}:{line}`, member = order id, score = band * 10^13 + ms of queued_at, so
ZRANK is the number of trucks ahead. SQL is the source of truth; this module only ever copies
committed rows into Redis:

- A queue change marks its order id as pending on its session (`touch`), which registers one
  follow-up with the unit of work (backend/db/unit.py). After the owner's COMMIT that follow-up
  reads those orders' committed entries in a fresh session and applies them. Nothing uncommitted
  can reach Redis; a rolled-back unit forgets the follow-up.
- Every apply is guarded by the entry's `version` (a Lua script compares it with the last version
  applied, kept in `{prefix}:qv:{order_id}`), so two processes applying in the wrong order still
  leave the newest state.
- A crash between COMMIT and the apply is repaired by `resync` (the deadline sweep runs it every
  few seconds over recently changed rows) and by `rebuild` at start-up.

After each apply the site/line channel `{prefix}:qch:{site_id}:{line}` and the order's channel
`{prefix}:qch:o:{order_id}` are told, for the live cards and boards (Server-Sent Events).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.context import Context
from backend.db import unit
from backend.db.base import utcnow
from backend.db.unit import context_of
from backend.domain.queue.models import QueueEntry

log = logging.getLogger("meitong.queue")
_PENDING = "queue.mirror.pending"
# A version key only has to outlive a write in flight; a day is generous.
VERSION_TTL_S = 86_400
# Rows changed this recently are re-applied by `resync` (clock skew between processes included).
RESYNC_WINDOW = timedelta(minutes=2)


# KEYS: zset, version key. ARGV: version, member, score ('' removes), ttl. 1 if applied.
_APPLY = """
local seen = tonumber(redis.call('GET', KEYS[2]) or '-1')
if tonumber(ARGV[1]) <= seen then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', tonumber(ARGV[4]))
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[2]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2]) end
return 1
"""
# KEYS: zset. ARGV: version-key prefix, ttl, then (member, score, version) triples: the set becomes
# exactly those members; members dropped lose their version key, so a later apply is not refused.
_RESET = """
local want = {}
for i = 3, #ARGV, 3 do want[ARGV[i]] = true end
local old = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, m in ipairs(old) do
  if not want[m] then redis.call('ZREM', KEYS[1], m); redis.call('DEL', ARGV[1] .. m) end
end
for i = 3, #ARGV, 3 do
  redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
  redis.call('SET', ARGV[1] .. ARGV[i], ARGV[i + 2], 'EX', tonumber(ARGV[2]))
end
return #old
"""


def prefix(ctx: Context) -> str:
    """`mt` unless the settings say otherwise (the benchmark uses its own)."""
    return ctx.settings.extra.get("queue_key_prefix", "mt")


def zset_key(ctx: Context, site_id: uuid.UUID, line: str) -> str:
    return f"{prefix(ctx)}:q:{site_id}:{line}"


def version_key(ctx: Context, order_id: uuid.UUID) -> str:
    return f"{prefix(ctx)}:qv:{order_id}"


def interval_key(ctx: Context, site_id: uuid.UUID, line: str) -> str:
    return f"{prefix(ctx)}:qi:{site_id}:{line}"


def line_channel(ctx: Context, site_id: uuid.UUID, line: str) -> str:
    return f"{prefix(ctx)}:qch:{site_id}:{line}"


def site_channels(ctx: Context, site_id: uuid.UUID) -> str:
    """A pattern for every line of a site (PSUBSCRIBE)."""
    return f"{prefix(ctx)}:qch:{site_id}:*"


def order_channel(ctx: Context, order_id: uuid.UUID) -> str:
    return f"{prefix(ctx)}:qch:o:{order_id}"


def touch(session: AsyncSession, *order_ids: uuid.UUID) -> None:
    """Mark orders whose entries this unit changed: once it commits, they are mirrored into Redis."""
    pending: set[uuid.UUID] = session.info.setdefault(_PENDING, set())
    pending.update(order_ids)
    ctx = context_of(session)
    unit.after_commit(session, lambda: _mirror_pending(ctx, pending), key=_PENDING)


async def _mirror_pending(ctx: Context, pending: set[uuid.UUID]) -> None:
    ids = set(pending)
    pending.clear()
    if ids:
        await sync_orders(ctx, ids)


class _Row(msgspec.Struct, frozen=True):
    order_id: uuid.UUID
    site_id: uuid.UUID
    line: str
    state: str
    score: int
    version: int


def _newest(rows: Iterable[tuple[uuid.UUID, uuid.UUID, str, str, int, int]]) -> list[_Row]:
    """Per order, the entry with the highest version: the one that decides its membership."""
    best: dict[uuid.UUID, _Row] = {}
    for row in rows:
        r = _Row(*row)
        if r.order_id not in best or r.version > best[r.order_id].version:
            best[r.order_id] = r
    return list(best.values())


_COLUMNS = (QueueEntry.order_id, QueueEntry.site_id, QueueEntry.line, QueueEntry.state, QueueEntry.score,
            QueueEntry.version)


async def sync_orders(ctx: Context, order_ids: Iterable[uuid.UUID]) -> int:
    ids = list(order_ids)
    async with ctx.sessions() as session:
        rows = _newest((await session.execute(select(*_COLUMNS).where(QueueEntry.order_id.in_(ids)))).all())
    return await _apply(ctx, rows)


async def _apply(ctx: Context, rows: list[_Row]) -> int:
    if not rows:
        return 0
    script = ctx.redis.register_script(_APPLY)
    async with ctx.redis.pipeline(transaction=False) as pipe:
        for r in rows:
            await script(
                keys=[zset_key(ctx, r.site_id, r.line), version_key(ctx, r.order_id)],
                args=[r.version, str(r.order_id), str(r.score) if r.state == "waiting" else "", VERSION_TTL_S],
                client=pipe,
            )
        applied = await pipe.execute()
    await publish(ctx, [r for r, done in zip(rows, applied, strict=True) if done])
    return sum(1 for done in applied if done)


async def publish(ctx: Context, rows: list[_Row]) -> None:
    """Wake the live cards and boards of these entries' lines and orders."""
    if not rows:
        return
    groups: dict[tuple[uuid.UUID, str], list[str]] = {}
    for r in rows:
        groups.setdefault((r.site_id, r.line), []).append(str(r.order_id))
    served = {(r.site_id, r.line) for r in rows if r.state == "served"}
    async with ctx.redis.pipeline(transaction=False) as pipe:
        for (site_id, line), ids in groups.items():
            if (site_id, line) in served:  # a truck went in: the measured pace changed
                pipe.delete(interval_key(ctx, site_id, line))
            pipe.publish(line_channel(ctx, site_id, line), msgspec.json.encode({"orderIds": ids}))
        for r in rows:
            pipe.publish(order_channel(ctx, r.order_id), b"{}")
        await pipe.execute()


async def resync(ctx: Context, *, since: datetime) -> int:
    """Re-apply every entry changed since `since` (guarded by versions: only what Redis missed)."""
    async with ctx.sessions() as session:
        ids = (await session.execute(
            select(QueueEntry.order_id).where(QueueEntry.updated_at >= since).distinct()
        )).scalars().all()
    applied = 0
    for start in range(0, len(ids), 500):
        applied += await sync_orders(ctx, ids[start:start + 500])
    return applied


async def _groups(ctx: Context, session: AsyncSession) -> set[tuple[uuid.UUID, str]]:
    groups = {(s, line) for s, line in (await session.execute(
        select(QueueEntry.site_id, QueueEntry.line).where(QueueEntry.state == "waiting").distinct()
    )).all()}
    head = f"{prefix(ctx)}:q:"
    async for raw in ctx.redis.scan_iter(match=f"{head}*", count=500):
        key = raw.decode() if isinstance(raw, bytes) else str(raw)
        site, _, line = key[len(head):].partition(":")
        try:
            groups.add((uuid.UUID(site), line))
        except ValueError:
            continue
    return groups


async def rebuild(ctx: Context) -> int:
    """Make every queue's sorted set equal to SQL's waiting entries; returns how many were placed.
    Safe beside live traffic: changes committed meanwhile are re-applied by the resync at the end."""
    started = utcnow()
    placed = 0
    reset = ctx.redis.register_script(_RESET)
    async with ctx.sessions() as session:
        for site_id, line in sorted(await _groups(ctx, session)):
            rows = (await session.execute(
                select(QueueEntry.order_id, QueueEntry.score, QueueEntry.version)
                .where(QueueEntry.site_id == site_id, QueueEntry.line == line, QueueEntry.state == "waiting")
            )).all()
            args: list[str | int] = [f"{prefix(ctx)}:qv:", VERSION_TTL_S]
            for order_id, score_, version in rows:
                args += [str(order_id), str(score_), version]
            await reset(keys=[zset_key(ctx, site_id, line)], args=args)
            placed += len(rows)
    await resync(ctx, since=started - RESYNC_WINDOW)
    log.info("queue mirror rebuilt", extra={"entries": placed})
    return placed
