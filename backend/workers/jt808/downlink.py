"""Downlink text (0x8300) from the rest of the platform to connected terminals, over Redis pub/sub.

Any process publishes `{"phone": ..., "text": ..., "tts": bool}` (JSON) on `jt808:downlink`; every
gateway hears it and the one holding that terminal's connection sends it. A terminal not connected
anywhere misses it: a text to a driver is advice, the inbox carries what must not be lost.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from redis.asyncio import Redis

if TYPE_CHECKING:
    from backend.workers.jt808.server import Gateway

log = logging.getLogger("meitong.jt808")
DOWNLINK_CHANNEL = "jt808:downlink"
MAX_TEXT_CHARS = 400  # GBK ≤ 2 bytes a character, within one 1023-byte body


async def publish_text(redis: Redis, *, phone: str, text: str, tts: bool = False) -> int:
    """Ask the gateways to send `text`; returns how many gateways listen."""
    message = json.dumps({"phone": phone, "text": text[:MAX_TEXT_CHARS], "tts": tts}, ensure_ascii=False)
    return int(await redis.publish(DOWNLINK_CHANNEL, message))


async def listen_downlink(gateway: Gateway) -> None:
    pubsub = gateway.ctx.redis.pubsub()
    await pubsub.subscribe(DOWNLINK_CHANNEL)
    try:
        async for message in pubsub.listen():
            if message.get("type") != "message":
                continue
            try:
                body = json.loads(message["data"])
                phone, text, tts = str(body["phone"]), str(body["text"])[:MAX_TEXT_CHARS], bool(body.get("tts"))
            except (ValueError, KeyError, TypeError):
                log.warning("jt808 downlink message ignored: not {phone, text, tts}")
                continue
            if phone in gateway.by_phone:
                await gateway.send_text(phone, text, tts=tts)
    finally:
        await pubsub.aclose()
