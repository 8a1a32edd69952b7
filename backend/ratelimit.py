"""Fixed-window counters in Redis: login attempts, SMS sends."""

from __future__ import annotations

from redis.asyncio import Redis

from backend.errors import TooManyRequests


async def hit(redis: Redis, key: str, *, limit: int, window_s: int) -> None:
    """Count one attempt; refuse with 429 (and Retry-After) once `limit` is passed in the window."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(key)
        pipe.expire(key, window_s, nx=True)
        count, _ = await pipe.execute()
    if int(count) > limit:
        ttl = await redis.ttl(key)
        retry_after_s = max(int(ttl), 1)
        raise TooManyRequests(
            "rate_limited",
            f"尝试次数过多，请 {retry_after_s} 秒后再试",
            f"Too many attempts; try again in {retry_after_s} s",
            headers={"Retry-After": str(retry_after_s)},
        )


async def reset(redis: Redis, key: str) -> None:
    await redis.delete(key)
