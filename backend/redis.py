"""Redis client factory: the real server, or the in-process substitute behind the same API.

`memory://` gives fakeredis (with Lua through lupa), so queues, rate limits, nonces and streams
run the same code path on a laptop with nothing installed. Each `memory://` client made by one
process shares one in-process server, like many connections to one Redis.
"""

from __future__ import annotations

import fakeredis
from redis.asyncio import Redis

_EMBEDDED_SERVER: fakeredis.FakeServer | None = None


def create_redis(url: str, *, isolated: bool = False) -> Redis:
    """A client for `url`; `isolated=True` gives a fresh embedded server (tests)."""
    if url.startswith("memory://"):
        global _EMBEDDED_SERVER
        if isolated or _EMBEDDED_SERVER is None:
            server = fakeredis.FakeServer()
            if not isolated:
                _EMBEDDED_SERVER = server
        else:
            server = _EMBEDDED_SERVER
        client: Redis = fakeredis.FakeAsyncRedis(server=server, decode_responses=False)
        return client
    return Redis.from_url(url, decode_responses=False)
