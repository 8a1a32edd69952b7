"""The newest position of every vehicle, in Redis: what the live maps read.

Two hashes keyed by vehicle id: `gps:latest` holds the MessagePack Position, `gps:latest:t` its fix
time. A small Lua script replaces an entry only with a newer fix, atomically, so a late blind-area
re-upload or a second worker never moves a truck back in time. SQL stays the source of truth:
`rebuild` refills both hashes from the stored positions.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db.base import utcnow
from backend.domain.tracking import positions as store
from geo.position import Position, decode_positions, encode_positions

LATEST_KEY = "gps:latest"
LATEST_TIME_KEY = "gps:latest:t"
# `rebuild` reads only fixes this recent. The positions table is the platform's largest: a GROUP BY
# over all of it would take minutes at start-up, while a range on fix_at lets PostgreSQL prune to
# the newest monthly partition or two. A truck silent for two days is no live-map truck anyway.
REBUILD_WINDOW = timedelta(days=2)

# ARGV: triples (vehicle id, fix time, payload). Returns how many entries moved forward.
_FORWARD_ONLY = """
local moved = 0
for i = 1, #ARGV, 3 do
  local t = redis.call('HGET', KEYS[2], ARGV[i])
  if (not t) or tonumber(t) < tonumber(ARGV[i + 1]) then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
    moved = moved + 1
  end
end
return moved
"""


def _newest_each(positions: list[Position]) -> list[Position]:
    newest: dict[str, Position] = {}
    for p in positions:
        if p.valid and (p.vehicle_id not in newest or p.fix_at_s > newest[p.vehicle_id].fix_at_s):
            newest[p.vehicle_id] = p
    return list(newest.values())


async def update(redis: Redis, *, positions: list[Position]) -> int:
    """Move each vehicle's latest forward to its newest valid fix of `positions`."""
    args: list[bytes | str] = []
    for p in _newest_each(positions):
        args += [p.vehicle_id, repr(p.fix_at_s), encode_positions([p])]
    if not args:
        return 0
    return int(await redis.eval(_FORWARD_ONLY, 2, LATEST_KEY, LATEST_TIME_KEY, *args))


async def get_many(redis: Redis, *, vehicle_ids: list[str] | None = None) -> dict[str, Position]:
    if vehicle_ids is None:
        raw = await redis.hgetall(LATEST_KEY)
        items = list(raw.items())
    else:
        if not vehicle_ids:
            return {}
        values = await redis.hmget(LATEST_KEY, vehicle_ids)
        items = [(k, v) for k, v in zip(vehicle_ids, values, strict=True) if v is not None]
    out: dict[str, Position] = {}
    for _key, value in items:
        p = decode_positions(value if isinstance(value, bytes) else value.encode())[0]
        out[p.vehicle_id] = p
    return out


async def rebuild(redis: Redis, session: AsyncSession, *, now: datetime | None = None) -> int:
    """Refill the latest positions from SQL (after a Redis flush or on the embedded substitute):
    those of vehicles with a fix in the `REBUILD_WINDOW` before `now` (default: the clock)."""
    since = (now or utcnow()) - REBUILD_WINDOW
    return await update(redis, positions=await store.newest_per_vehicle(session, since=since))
