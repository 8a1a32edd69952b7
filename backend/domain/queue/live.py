"""Live queue updates for Server-Sent Events: a fresh card (driver) or board (dispatcher) each
time the site/line's queue changes, from the Redis pub/sub channels that `mirror` publishes on
after every commit; None after each quiet `idle_s`, for a keep-alive."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator

from redis.asyncio.client import PubSub

from backend.context import Context
from backend.db.base import utcnow
from backend.domain.identity.schemas import Principal
from backend.domain.queue import mirror, views
from backend.domain.queue.board import board
from backend.domain.queue.entries import latest_entry
from backend.domain.queue.schemas import QueueBoardOut, QueueCardOut

# A burst of changes (a call of 20 trucks) becomes one update, not 20.
_BURST_MAX = 200
_BURST_GAP_S = 0.05


async def _next_change(pubsub: PubSub, idle_s: float) -> bool:
    """True when a change arrives (and the rest of its burst is swallowed); False after `idle_s`."""
    loop = asyncio.get_running_loop()
    until = loop.time() + idle_s
    while (left := until - loop.time()) > 0:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=min(left, 1.0))
        if message is None or message.get("type") not in ("message", "pmessage"):
            continue
        for _ in range(_BURST_MAX):
            if await pubsub.get_message(ignore_subscribe_messages=True, timeout=_BURST_GAP_S) is None:
                break
        return True
    return False


async def _close(pubsub: PubSub) -> None:
    await pubsub.unsubscribe()
    await pubsub.punsubscribe()
    await pubsub.aclose()


async def card_updates(ctx: Context, *, order_id: uuid.UUID, driver_user_id: uuid.UUID, site_id: uuid.UUID,
                       line: str, idle_s: float = 15.0) -> AsyncGenerator[QueueCardOut | None, None]:
    """The driver's card now, then after every change of his line or his entry (None: keep-alive).
    Subscribed before the first card is read, so no change falls between the two."""
    pubsub = ctx.redis.pubsub()
    await pubsub.subscribe(mirror.order_channel(ctx, order_id), mirror.line_channel(ctx, site_id, line))
    try:
        changed = True
        while True:
            if changed:
                async with ctx.sessions() as session:
                    entry = await latest_entry(session, order_id=order_id, driver_user_id=driver_user_id)
                    yield None if entry is None else await views.card(session, ctx, entry, now=utcnow())
            else:
                yield None
            changed = await _next_change(pubsub, idle_s)
    finally:
        await _close(pubsub)


async def board_updates(ctx: Context, *, actor: Principal, site_id: uuid.UUID, line: str | None,
                        idle_s: float = 15.0) -> AsyncGenerator[QueueBoardOut | None, None]:
    """The board now, then after every change of the line (or of any line of the site)."""
    pubsub = ctx.redis.pubsub()
    if line:
        await pubsub.subscribe(mirror.line_channel(ctx, site_id, line))
    else:
        await pubsub.psubscribe(mirror.site_channels(ctx, site_id))
    try:
        changed = True
        while True:
            if changed:
                async with ctx.sessions() as session:
                    yield await board(session, ctx=ctx, actor=actor, site_id=site_id, line=line)
            else:
                yield None
            changed = await _next_change(pubsub, idle_s)
    finally:
        await _close(pubsub)
