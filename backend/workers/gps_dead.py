"""Poison entries of the GPS stream: counted, set aside in a dead-letter stream, replayed by an operator.

An entry whose positions cannot be stored (a value the database refuses, a bug the data trips) would
otherwise be read, fail and stay pending for ever, holding up its consumer. The GPS worker counts
each failed try of an entry in a hash beside the stream; at `gps_max_deliveries` tries the entry moves,
in one MULTI, to `<stream>:dead` (its fields as they were, plus why, when and its old id) and is
acknowledged on the stream. Trouble that is not the entry's (the database or Redis away, a lock
timeout) never counts: the whole stream waits for it instead of being thrown away.

`meitong gps-dead-letters list|replay` shows them and puts them back on the stream (a replayed
position already stored is ignored by its primary key, so replaying twice is harmless).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import msgspec
from redis import exceptions as redis_errors
from redis.asyncio import Redis
from sqlalchemy import exc as sa_errors

from backend.job_runs import describe_error

Fields = dict[bytes, bytes]
_META = b"dead_"
# The try counts of entries that then vanished (trimmed, acknowledged elsewhere) expire with the hash.
TRIES_TTL_S = 24 * 3600
_TRANSIENT: tuple[type[BaseException], ...] = (
    OSError, asyncio.TimeoutError, redis_errors.ConnectionError, redis_errors.TimeoutError,
    sa_errors.OperationalError, sa_errors.InterfaceError, sa_errors.TimeoutError, sa_errors.DisconnectionError,
)


class DeadLetter(msgspec.Struct, kw_only=True):
    id: str  # in the dead-letter stream
    entry_id: str  # in the positions stream, where it failed
    error: str
    tries: int
    dead_at: str
    fields: Fields


def dead_stream(stream: str) -> str:
    return f"{stream}:dead"


def tries_key(stream: str) -> str:
    return f"{stream}:tries"


def is_transient(exc: BaseException) -> bool:
    """Trouble of the system rather than of the entry: it must never send good entries to the dead."""
    if isinstance(exc, sa_errors.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, _TRANSIENT)


async def count_failure(redis: Redis, *, stream: str, entry_id: bytes) -> int:
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hincrby(tries_key(stream), entry_id, 1)
        pipe.expire(tries_key(stream), TRIES_TTL_S)
        tries, _ = await pipe.execute()
    return int(tries)


async def forget(redis: Redis, *, stream: str, entry_ids: list[bytes]) -> None:
    if entry_ids:
        await redis.hdel(tries_key(stream), *entry_ids)


async def bury(redis: Redis, *, stream: str, group: str, entry_id: bytes, fields: Fields, exc: BaseException,
               tries: int, now: datetime) -> None:
    """Move one entry to the dead-letter stream and acknowledge it, both or neither."""
    meta: dict[Any, Any] = {_META + b"id": entry_id, _META + b"error": describe_error(exc).encode(),
            _META + b"tries": str(tries).encode(), _META + b"at": now.isoformat().encode()}
    async with redis.pipeline(transaction=True) as pipe:
        pipe.xadd(dead_stream(stream), {**dict[Any, Any](fields), **meta})
        pipe.xack(stream, group, entry_id)
        pipe.hdel(tries_key(stream), entry_id)
        await pipe.execute()


def _bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


async def listing(redis: Redis, *, stream: str, ids: list[str] | None = None, count: int = 100) -> list[DeadLetter]:
    """The dead letters, oldest first: all of them up to `count`, or those with the given ids."""
    found: list[Any] = []
    for low, high in [(i, i) for i in ids] if ids else [("-", "+")]:
        found += await redis.xrange(dead_stream(stream), min=low, max=high, count=count) or []
    out = []
    for raw_id, raw_fields in found[:count]:
        fields = {_bytes(k): _bytes(v) for k, v in (raw_fields or {}).items()}
        out.append(DeadLetter(
            id=_text(raw_id), entry_id=_text(fields.get(_META + b"id")), error=_text(fields.get(_META + b"error")),
            tries=int(fields.get(_META + b"tries") or 0), dead_at=_text(fields.get(_META + b"at")),
            fields={k: v for k, v in fields.items() if not k.startswith(_META)},
        ))
    return out


async def replay(redis: Redis, *, stream: str, ids: list[str] | None = None, count: int = 1000) -> list[str]:
    """Put dead letters back on the stream as new entries (and out of the dead-letter stream);
    returns the new entry ids."""
    replayed = []
    for letter in await listing(redis, stream=stream, ids=ids, count=count):
        async with redis.pipeline(transaction=True) as pipe:
            pipe.xadd(stream, dict[Any, Any](letter.fields))
            pipe.xdel(dead_stream(stream), letter.id)
            new_id, _ = await pipe.execute()
        replayed.append(_text(new_id))
    return replayed
