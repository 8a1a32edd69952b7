"""The background worker: periodic housekeeping now; later issues add stream consumers here.

Each job is idempotent and safe to run in several worker processes at once.
"""

from __future__ import annotations

import asyncio
import logging

from backend.context import build_context
from backend.domain.contracts import lifecycle as contracts
from backend.domain.contracts.rules import china_today
from backend.domain.identity import service as identity
from backend.http.logs import configure_logging
from backend.settings import Settings
from backend.workers import outbox

log = logging.getLogger("meitong.worker")


async def run_worker(settings: Settings, *, interval_s: float = 60.0, rounds: int | None = None) -> None:
    configure_logging(level=settings.log_level, as_json=settings.log_json)
    ctx = build_context(settings)
    done = 0
    try:
        while rounds is None or done < rounds:
            async with ctx.sessions() as session:
                purged = await identity.purge_expired_refresh_tokens(session)
                expired = await contracts.expire_contracts(session, today=china_today())
            log.info("housekeeping", extra={"purged_refresh_tokens": purged, "expired_contracts": expired})
            notices_sent = await outbox.drain(ctx)
            if notices_sent:
                log.info("outbox", extra={"notices_sent": notices_sent})
            done += 1
            await asyncio.sleep(interval_s)
    finally:
        await ctx.engine.dispose()
