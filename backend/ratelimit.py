"""Every limit kept in Redis, in one place: counters over a window and a semaphore for live streams.

Each works alike on a real Redis and on the embedded substitute (fakeredis with Lua), in one round
trip (a pipeline or a script), and each refusal is a 429 whose body names the limit, the window and
the scope (backend.errors.TooManyRequests) with Retry-After set.

- `hit`: a window that starts at the first attempt and lives by Redis' own TTL: cool-downs (one SMS a
  minute) where a boundary must not let two through a second apart.
- `take`: a fixed window aligned on backend.clock (key per window index): request budgets. Moving the
  clock moves the window, so tests see a budget refill without waiting; Redis' TTL only cleans up.
- `held`: at most N leases per key (live streams per user); each lease has a deadline on
  backend.clock that its holder pushes forward while it lives, so a process that dies without
  releasing frees its slots when the deadline passes.
- `once_per`: true at most once per period (notices that must not flood an inbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import secrets
from collections.abc import AsyncIterator, Sequence
from typing import NamedTuple

from redis.asyncio import Redis

from backend import clock
from backend.errors import TooManyRequests

# Acquire a lease if fewer than ARGV[3] are alive at ARGV[1]; else answer the earliest deadline.
_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return {1, ''}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, first[2]}
"""
# True (and remember now) when the last time is older than the period.
_ONCE = """
local last = redis.call('GET', KEYS[1])
if last and tonumber(ARGV[1]) - tonumber(last) < tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""


# What each scope counts, for the Chinese message (the English one and the body use the scope's name).
_SCOPE_ZH = {
    "user": "本账户的请求", "ip": "本网络地址的请求", "machine_key": "本接口密钥的请求", "verify": "票据核验",
    "live_streams": "同时打开的实时连接", "login_ip": "本网络地址的登录", "login_account": "该账户的登录",
    "sms": "短信验证码", "attempts": "尝试",
}


def refusal(*, scope: str, limit: int, window_s: int, retry_after_s: float) -> TooManyRequests:
    wait_s = max(math.ceil(retry_after_s - 1e-6), 1)  # 2.0000001 s of float noise is 2 s
    return TooManyRequests(
        "rate_limited",
        f"{_SCOPE_ZH.get(scope, '请求')}过于频繁（每 {window_s} 秒最多 {limit} 次），请 {wait_s} 秒后再试",
        f"Too many requests ({scope}: {limit} per {window_s} s); try again in {wait_s} s",
        limit=limit, window_s=window_s, scope=scope, retry_after_s=wait_s,
    )


async def hit(redis: Redis, key: str, *, limit: int, window_s: int, scope: str = "attempts") -> None:
    """Count one attempt; refuse once `limit` is passed in the window that began at the first one."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_s, nx=True)
        pipe.ttl(key)
        count, _, ttl = await pipe.execute()
    if int(count) > limit:
        raise refusal(scope=scope, limit=limit, window_s=window_s, retry_after_s=max(int(ttl), 1))


async def reset(redis: Redis, key: str) -> None:
    await redis.delete(key)


class Budget(NamedTuple):
    """`limit` units per fixed window of `window_s` for one `subject` (a user id, an address) of a `scope`."""

    scope: str
    subject: str
    limit: int
    window_s: int


async def spend(redis: Redis, budgets: Sequence[Budget]) -> None:
    """Spend one unit of each budget in one round trip; refuse (the first one passed) past a limit."""
    now_s = clock.now_s()
    indexes = [int(now_s // b.window_s) for b in budgets]
    async with redis.pipeline(transaction=True) as pipe:
        for budget, index in zip(budgets, indexes, strict=True):
            key = f"rl:{budget.scope}:{budget.subject}:{index}"
            pipe.incr(key)
            pipe.expire(key, 2 * budget.window_s, nx=True)
        replies = await pipe.execute()
    for budget, index, count in zip(budgets, indexes, replies[::2], strict=True):
        if int(count) > budget.limit:
            raise refusal(scope=budget.scope, limit=budget.limit, window_s=budget.window_s,
                          retry_after_s=(index + 1) * budget.window_s - now_s)


async def take(redis: Redis, *, scope: str, subject: str, limit: int, window_s: int) -> None:
    """Spend one unit of `subject`'s budget of `limit` per fixed window; refuse past it."""
    await spend(redis, [Budget(scope, subject, limit, window_s)])


async def acquire(redis: Redis, *, key: str, limit: int, lease_s: int, scope: str) -> str:
    """One of `limit` leases on `key`, alive for `lease_s` unless refreshed; its id, or a 429."""
    lease_id = secrets.token_hex(8)
    now_s = clock.now_s()
    granted, earliest = await redis.eval(
        _ACQUIRE, 1, key, repr(now_s), repr(now_s + lease_s), str(limit), lease_id, str(4 * lease_s)
    )
    if not int(granted):
        # A stream lasts as long as its holder wants: the earliest lease deadline is only a hint.
        wait_s = max(math.ceil(min(float(earliest) - now_s, lease_s) if earliest else lease_s), 1)
        raise TooManyRequests(
            "rate_limited", f"同时打开的实时连接已达上限（{limit} 个），请关闭其他页面后再试",
            f"At most {limit} live connections at once; close another page and try again",
            limit=limit, window_s=lease_s, scope=scope, retry_after_s=wait_s,
        )
    return lease_id


async def refresh(redis: Redis, *, key: str, lease_id: str, lease_s: int) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(key, {lease_id: clock.now_s() + lease_s})
        pipe.expire(key, 4 * lease_s)
        await pipe.execute()


async def release(redis: Redis, *, key: str, lease_id: str) -> None:
    await redis.zrem(key, lease_id)


@contextlib.asynccontextmanager
async def held(redis: Redis, *, key: str, limit: int, lease_s: int, scope: str) -> AsyncIterator[str]:
    """Hold a lease for the block: refreshed every third of its life, released when the block ends."""
    lease_id = await acquire(redis, key=key, limit=limit, lease_s=lease_s, scope=scope)

    async def keep_alive() -> None:
        while True:
            await asyncio.sleep(lease_s / 3)
            with contextlib.suppress(Exception):  # a Redis blip: the next round tries again
                await refresh(redis, key=key, lease_id=lease_id, lease_s=lease_s)

    refresher = asyncio.create_task(keep_alive())
    try:
        yield lease_id
    finally:
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refresher
        await release(redis, key=key, lease_id=lease_id)


async def holders(redis: Redis, *, key: str) -> int:
    """Leases alive now (deadline not passed)."""
    return int(await redis.zcount(key, repr(clock.now_s()), "+inf"))


async def once_per(redis: Redis, *, key: str, period_s: int) -> bool:
    """True at most once per `period_s` (on backend.clock) for `key`."""
    return bool(await redis.eval(_ONCE, 1, key, repr(clock.now_s()), str(period_s), str(2 * period_s)))
